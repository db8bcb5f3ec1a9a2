package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.store.ModelStore;
import shallownet.testutil.IdxFixtures;

/**
 * A store whose {@code LOCK} is not a regular file (a directory, a symbolic link, a named pipe):
 * every command that takes the lock ends at once with exit code 2 and one line naming the file
 * and what to do, never spins or blocks, and leaves the store byte for byte as it was; retrain
 * says so before it starts Spark.
 */
@ExtendWith(QuietSpark.class)
class StoreLockMisuseTest {

    private static final NetworkShape SHAPE = new NetworkShape(16, 8, 10);

    @TempDir
    Path tmp;

    interface Maker {
        void make(Path lock) throws Exception;
    }

    static Stream<Arguments> locks() {
        Maker dir = Files::createDirectory;
        Maker dirWithFile = l -> Files.writeString(Files.createDirectory(l).resolve("x"), "x");
        Maker danglingLink = l -> Files.createSymbolicLink(l, l.resolveSibling("nowhere"));
        Maker linkToDir = l -> Files.createSymbolicLink(l, Files.createDirectory(l.resolveSibling("../elsewhere")));
        Maker linkToFile = l -> Files.createSymbolicLink(l, Files.writeString(l.resolveSibling("../lock-elsewhere"),
                "{\"token\":\"t\"}"));
        Maker fifo = l -> assertEquals(0, new ProcessBuilder("mkfifo", l.toString()).inheritIO().start().waitFor());
        List<Arguments> out = new ArrayList<>();
        for (String command : List.of("promote", "rollback", "retrain")) {
            out.add(Arguments.of(command, "an empty directory", dir, "is a directory"));
            if (!command.equals("retrain")) { // retrain shares acquire(); one kind suffices for its Spark start
                out.add(Arguments.of(command, "a directory with a file", dirWithFile, "is a directory"));
                out.add(Arguments.of(command, "a dangling symbolic link", danglingLink, "is a symbolic link"));
                out.add(Arguments.of(command, "a link to a directory", linkToDir, "is a symbolic link"));
                out.add(Arguments.of(command, "a link to a file", linkToFile, "is a symbolic link"));
                out.add(Arguments.of(command, "a named pipe", fifo, "is a named pipe, socket or device"));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with LOCK {1}")
    @MethodSource("locks")
    void aLockThatIsNotARegularFileIsOneLineAndExitCode2NotAHang(String command, String kind, Maker maker,
                                                                 String says) throws Exception {
        Path store = tmp.resolve("store");
        ModelStore s = ModelStore.at(new Configuration(), store.toString());
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), ModelFiles.json().createObjectNode());
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 2), ModelFiles.json().createObjectNode());
        Path lock = store.resolve("LOCK");
        maker.make(lock);
        Map<String, String> before = StoreListing.of(tmp);
        List<String> args = switch (command) {
            case "promote" -> List.of("models", "promote", "1", "--store", store.toString());
            case "rollback" -> List.of("models", "rollback", "--store", store.toString());
            default -> {
                Path data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 200, 50, 4, 4, 10, false).dir();
                before = StoreListing.of(tmp);
                // A master that is not there: had retrain started Spark before looking at LOCK, it
                // would spend the 60 s trying to register with it.
                yield List.of("retrain", "--store", store.toString(), "--data", data.toString(), "--master",
                        "spark://127.0.0.1:1", "--epochs", "1", "--hidden", "8", "--quiet");
            }
        };
        CliRunner.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> CliRunner.run(args.toArray(String[]::new)), "no hang");
        assertEquals(ExitCode.BAD_INPUT.code(), o.exitCode(), o.err());
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), "exactly one stderr line: " + o.err());
        assertEquals("error: " + lock + ": " + says + ", not the store's lock file; remove it", lines.get(0));
        assertTrue(o.out().isEmpty(), o.out());
        assertEquals(before, StoreListing.of(tmp), "nothing written, nothing removed");
    }
}
