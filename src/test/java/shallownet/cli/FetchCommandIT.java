package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.LoopbackMirror;

/**
 * {@code fetch} on the command line in this JVM ({@link Main#run}), from HTTP servers on 127.0.0.1
 * only ({@code --mirror}, {@code --no-npm}): success prints the verified directory and exits 0;
 * a failure exits 1 with one {@code error:} line naming what could not be fetched.
 */
class FetchCommandIT {

    private static final List<String> NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private static LoopbackMirror real;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startMirror() {
        real = LoopbackMirror.ofRealMnist();
    }

    @AfterAll
    static void stopMirror() {
        if (real != null) {
            real.close();
        }
    }

    @Test
    void fetchFromALoopbackMirrorExits0AndPrintsTheDirectory() throws IOException {
        Path dir = tmp.resolve("mnist");
        CliRunner.Outcome o = CliRunner.run("fetch", "--to", dir.toString(), "--mirror", real.url(), "--no-npm");

        assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
        assertEquals("MNIST verified in " + dir.toAbsolutePath(), o.out().strip());
        assertEquals(Set.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz"), fileNames(dir));
        assertTrue(o.err().contains("fetching " + real.url() + "train-images-idx3-ubyte.gz"), o.err());
        assertFalse(o.err().contains("error"), o.err());

        // Again: everything is present, so nothing is fetched.
        CliRunner.Outcome again = CliRunner.run("fetch", "--to", dir.toString(), "--mirror", real.url(), "--no-npm");
        assertEquals(ExitCode.OK.code(), again.exitCode(), again.err());
        assertFalse(again.err().contains("fetching"), again.err());
        assertTrue(again.err().contains("present and verified"), again.err());
    }

    @Test
    void quietPrintsOnlyTheResult() throws IOException {
        Path dir = tmp.resolve("mnist");
        try (LoopbackMirror empty = LoopbackMirror.start()) {
            CliRunner.Outcome o = CliRunner.run("fetch", "--quiet", "--to", dir.toString(),
                    "--mirror", empty.url(), "--mirror", real.url(), "--no-npm");
            assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
            assertEquals("", o.err());
            assertEquals("MNIST verified in " + dir.toAbsolutePath() + System.lineSeparator(), o.out());
            assertEquals(4, empty.requests().size(), "the first mirror was asked first");
        }
    }

    @Test
    void onlyAFailingMirrorExits1WithOneErrorLineNamingTheFiles() throws IOException {
        Path dir = tmp.resolve("mnist");
        try (LoopbackMirror empty = LoopbackMirror.start()) {
            CliRunner.Outcome o = CliRunner.run("fetch", "--to", dir.toString(), "--mirror", empty.url(), "--no-npm");

            assertEquals(ExitCode.FAILURE.code(), o.exitCode(), o.err());
            assertEquals("", o.out());
            List<String> errors = errorLines(o.err());
            assertEquals(1, errors.size(), o.err());
            String line = errors.get(0);
            for (String name : NAMES) {
                assertTrue(line.contains(name), line);
                assertTrue(line.contains(empty.url() + name + ".gz: HTTP 404"), line);
            }
            assertFalse(o.err().contains("\tat "), "no stack trace without --verbose: " + o.err());
            assertEquals(Set.of(), fileNames(dir));
        }
    }

    @Test
    void aClosedPortWithQuietGivesExactlyOneLine() {
        String closed = LoopbackMirror.closedPortUrl();
        CliRunner.Outcome o = CliRunner.run("fetch", "--quiet", "--to", tmp.toString(), "--mirror", closed, "--no-npm");

        assertEquals(ExitCode.FAILURE.code(), o.exitCode(), o.err());
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), o.err());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains("could not fetch"), lines.get(0));
        assertTrue(lines.get(0).contains(closed + "train-images-idx3-ubyte.gz"), lines.get(0));
        assertTrue(lines.get(0).contains("mirror unreachable"), lines.get(0));
    }

    @Test
    void aDamagedPresentFileIsOneErrorLineSayingToRemoveIt() throws IOException {
        Path bad = tmp.resolve("train-labels-idx1-ubyte.gz");
        Files.write(bad, IdxFixtures.gzip(IdxFixtures.labelFile(100, 10)));
        try (LoopbackMirror counting = LoopbackMirror.ofRealMnist()) {
            CliRunner.Outcome o = CliRunner.run("fetch", "--to", tmp.toString(), "--mirror", counting.url(), "--no-npm");

            assertEquals(ExitCode.FAILURE.code(), o.exitCode(), o.err());
            List<String> errors = errorLines(o.err());
            assertEquals(1, errors.size(), o.err());
            assertTrue(errors.get(0).contains(bad.toString()) && errors.get(0).contains("remove"), errors.get(0));
            assertEquals(List.of(), counting.requests());
        }
    }

    private static List<String> errorLines(String err) {
        return err.lines().filter(l -> l.startsWith("error: ")).toList();
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
