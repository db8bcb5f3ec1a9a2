package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.store.ModelStore;
import shallownet.store.StoreLock;
import shallownet.testutil.FullDiskFileSystem;
import shallownet.testutil.IdxFixtures;

/**
 * A full disk under the store. The rule: the lock is released on every failure path, including
 * a failure while writing the lock file itself (its creator deletes it), and the one error line
 * names the file that could not be written. First on a real full file system (a 1 MiB tmpfs,
 * filled up; skipped with a message only where it cannot be mounted), where the lock file is the
 * first write; then for each later write of a retrain (version, checkpoint, promotions, CURRENT,
 * history, outcome) through {@link FullDiskFileSystem}, which fails exactly that file's writes.
 */
@ExtendWith(QuietSpark.class)
class FullDiskTest {

    private static final NetworkShape SHAPE = new NetworkShape(16, 8, 10);
    private static final String ENOSPC = "No space left on device";

    @TempDir
    static Path shared;

    private static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        data = IdxFixtures.writeDataDirectory(shared.resolve("data"), 200, 50, 4, 4, 10, false).dir();
    }

    /** A store holding version 000001 as its champion, written through the store's own API. */
    private static void storeWithAChampion(Path store) throws Exception {
        ModelStore s = ModelStore.at(new Configuration(), store.toString());
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), ModelFiles.json().createObjectNode());
        try (StoreLock lock = s.lock().command("test").acquire()) {
            s.promote(lock, 1, "promote", "the starting champion");
        }
    }

    private static List<String> retrain(String store, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("retrain", "--store", store, "--data", data.toString(),
                "--master", "local[1]", "--epochs", "1", "--hidden", "8", "--quiet", "--max-test-error", "100",
                "--max-regression", "100"));
        a.addAll(List.of(extra));
        return a;
    }

    private static String oneErrorLine(CliRunner.Outcome o, int exit) {
        assertEquals(exit, o.exitCode(), o.err());
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), "exactly one stderr line: " + o.err());
        return lines.get(0);
    }

    // ------------------------------------------------------------------ a real full file system

    @Test
    void onAFullTmpfsTheLockFileIsNamedAndRemovedSoTheNextCommandIsNotLockedOut() throws Exception {
        Path mount = tmp.resolve("tmpfs");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes()).trim();
        int rc = p.waitFor();
        Assumptions.assumeTrue(rc == 0, "skipped: cannot mount a tmpfs here (mount exit " + rc + ": " + said
                + "); CI runs as root, where it can");
        try {
            Path store = mount.resolve("store");
            storeWithAChampion(store);
            fill(mount.resolve("filler"));
            Map<String, String> before = StoreListing.of(store);
            String lock = store.resolve("LOCK").toString();

            String line = oneErrorLine(CliRunner.run(retrain(store.toString()).toArray(String[]::new)),
                    ExitCode.FAILURE.code());
            assertEquals("error: " + lock + ": cannot write (" + ENOSPC + ")", line);
            assertEquals(before, StoreListing.of(store), "no LOCK left, nothing else written");

            line = oneErrorLine(CliRunner.run("models", "promote", "1", "--store", store.toString()),
                    ExitCode.FAILURE.code());
            assertEquals("error: " + lock + ": cannot write (" + ENOSPC + ")", line);
            assertEquals(before, StoreListing.of(store), "no LOCK left by models promote either");

            // Space again: the next command gets the lock at once (it was not left behind to expire).
            Files.delete(mount.resolve("filler"));
            CliRunner.Outcome o = CliRunner.run("models", "promote", "1", "--store", store.toString());
            assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
            assertFalse(Files.exists(store.resolve("LOCK")));
        } finally {
            int u = new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
            assertEquals(0, u, "umount " + mount);
        }
    }

    /** Writes to {@code file} until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains(ENOSPC), e.toString());
        }
    }

    // ------------------------------------------------------------------ each later write of retrain

    @AfterEach
    void noFaults() {
        FullDiskFileSystem.failing = null;
    }

    @AfterAll
    static void unregister() {
        System.clearProperty("spark.hadoop.fs." + FullDiskFileSystem.SCHEME + ".impl");
        System.clearProperty("spark.hadoop.fs." + FullDiskFileSystem.SCHEME + ".impl.disable.cache");
    }

    static Stream<Arguments> writes() {
        return Stream.of(
                Arguments.of("the version", "/versions/\\.000002\\.tmp-", "/versions/000002: cannot write (" + ENOSPC + ")"),
                Arguments.of("a checkpoint", "/checkpoints/\\.step-", ": cannot write the checkpoint (" + ENOSPC + ")"),
                Arguments.of("promotions.jsonl", "/\\.promotions\\.jsonl\\.tmp-", "could not write %s/promotions.jsonl: " + ENOSPC),
                Arguments.of("CURRENT", "/\\.CURRENT\\.tmp-", "could not write %s/CURRENT: " + ENOSPC),
                Arguments.of("history.jsonl", "/\\.history\\.jsonl\\.tmp-", "could not write %s/history.jsonl: " + ENOSPC),
                Arguments.of("outcome.json", "/\\.outcome\\.json\\.tmp-", "/outcome.json: " + ENOSPC));
    }

    @ParameterizedTest(name = "writing {0}")
    @MethodSource("writes")
    void aFailedWriteOfRetrainNamesItsFileAndReleasesTheLock(String what, String failing, String says) throws Exception {
        System.setProperty("spark.hadoop.fs." + FullDiskFileSystem.SCHEME + ".impl", FullDiskFileSystem.class.getName());
        Path store = tmp.resolve("store");
        storeWithAChampion(store);
        String url = FullDiskFileSystem.url(store);
        String shown = new org.apache.hadoop.fs.Path(url).toString();
        FullDiskFileSystem.failing = Pattern.compile(Pattern.quote(store.toString()) + ".*" + failing);

        String line = oneErrorLine(CliRunner.run(retrain(url, "--checkpoint-every", "1").toArray(String[]::new)),
                ExitCode.FAILURE.code());
        String expected = says.contains("%s") ? String.format(says, shown) : says;
        try (Stream<Path> all = Files.walk(store)) {
            List<String> temporary = all.map(p -> store.relativize(p).toString())
                    .filter(n -> n.contains(".tmp-") || n.endsWith("LOCK")).toList();
            assertAll(
                    () -> assertTrue(line.startsWith("error: ") && line.contains(shown + "/"), line),
                    () -> assertTrue(line.endsWith(expected), "'" + expected + "' ends: " + line),
                    () -> assertFalse(line.contains("--verbose"), "a named failure, not an unexpected one: " + line),
                    () -> assertEquals(List.of(), temporary, "the lock released, no temporary file left"));
        }
    }
}
