package shallownet.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real MNIST files are: the system property {@code shallownet.mnist.dir} (Maven sets it
 * to {@code ../shared/mnist}) or the environment variable {@code SHALLOWNET_MNIST_DIR}. Tests on
 * real MNIST are skipped, with a message saying why, only outside CI; in CI a missing directory fails.
 */
public final class RealMnist {

    private RealMnist() {
    }

    public static String dir() {
        String dir = System.getenv("SHALLOWNET_MNIST_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("shallownet.mnist.dir");
        }
        boolean present = dir != null && Files.isRegularFile(Path.of(dir, "train-images-idx3-ubyte.gz"))
                || dir != null && Files.isRegularFile(Path.of(dir, "train-images-idx3-ubyte"));
        if (!present) {
            String why = "real MNIST not found in " + dir + " (set SHALLOWNET_MNIST_DIR or -Dshallownet.mnist.dir)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + "; CI must run the tests on real MNIST");
            }
            Assumptions.abort(why);
        }
        return Path.of(dir).toAbsolutePath().normalize().toString();
    }
}
