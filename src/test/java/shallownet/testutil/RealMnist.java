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

    /**
     * The gzipped form of real file {@code name}: {@code name.gz} in {@link #dir()} or, where the
     * directory holds only the raw file (as {@code fetch} leaves it from npm), a gzipped copy made
     * once under {@code target/}.
     */
    public static Path gz(String name) {
        Path dir = Path.of(dir());
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path copy = Path.of(System.getProperty("shallownet.project.dir", "."), "target", "real-mnist-gz", name + ".gz");
        try {
            if (!Files.isRegularFile(copy)) {
                Files.createDirectories(copy.getParent());
                Path tmp = Files.createTempFile(copy.getParent(), name, ".part");
                try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tmp))) {
                    Files.copy(dir.resolve(name), out);
                }
                Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return copy;
    }

    private static boolean present(String dir) {
        return dir != null && (Files.isRegularFile(Path.of(dir, "train-images-idx3-ubyte.gz"))
                || Files.isRegularFile(Path.of(dir, "train-images-idx3-ubyte")));
    }
}
