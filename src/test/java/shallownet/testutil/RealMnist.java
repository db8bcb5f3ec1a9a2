package shallownet.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real MNIST files are: the environment variable {@code SHALLOWNET_MNIST_DIR}, else the
 * system property {@code shallownet.mnist.dir} (Maven sets it to {@code ../shared/mnist}), else
 * {@code data/mnist} in the project (where {@code ./submit.sh fetch} puts them). Tests on
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
        if (!present(dir)) {
            Path fetched = Path.of(System.getProperty("shallownet.project.dir", "."), "data", "mnist");
            if (present(fetched.toString())) {
                dir = fetched.toString();
            }
        }
        boolean present = present(dir);
        if (!present) {
            String why = "real MNIST not found in " + dir + " (set SHALLOWNET_MNIST_DIR or -Dshallownet.mnist.dir)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + "; CI must run the tests on real MNIST");
            }
            Assumptions.abort(why);
        }
        return Path.of(dir).toAbsolutePath().normalize().toString();
    }

    private static boolean present(String dir) {
        return dir != null && (Files.isRegularFile(Path.of(dir, "train-images-idx3-ubyte.gz"))
                || Files.isRegularFile(Path.of(dir, "train-images-idx3-ubyte")));
    }
}
