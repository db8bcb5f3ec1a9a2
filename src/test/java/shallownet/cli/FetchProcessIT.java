package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.AppJar;
import shallownet.testutil.LoopbackMirror;
import shallownet.testutil.Script;
import shallownet.testutil.StandaloneCluster;

/**
 * {@code ./submit.sh fetch} as a user runs it (a JVM of its own, through SparkSubmit) against
 * hostile loopback mirrors: one that streams forever is cut at the cap, one that drips a byte at a
 * time fails by the deadline, and a fetch killed with SIGTERM mid-download leaves no partial file.
 * Each ends non-zero with one {@code error:} line (SIGTERM: the signal's exit code) and the target
 * directory holding only what the user put there. The caps and deadline are made small through the
 * documented system properties ({@code SHALLOWNET_JAVA_OPTS}) to keep the tests fast.
 */
class FetchProcessIT {

    @TempDir
    static Path shared;

    private static Path appJar;

    @TempDir
    Path tmp;

    @BeforeAll
    static void jar() throws IOException {
        appJar = AppJar.build(shared.resolve("shallownet-app.jar"));
    }

    private static List<String> fetch(Path to, String mirror) {
        return List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString(), "fetch", "--quiet",
                "--to", to.toString(), "--mirror", mirror, "--no-npm");
    }

    private static Map<String, String> env(String javaOpts) {
        return Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(), "SHALLOWNET_JAR", appJar.toString(),
                "SHALLOWNET_JAVA_OPTS", javaOpts);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> errorLines(String output) {
        return output.lines().filter(l -> l.startsWith("error:")).toList();
    }

    private Path targetWithAUserFile() throws IOException {
        Path to = tmp.resolve("mnist");
        Files.createDirectories(to);
        Files.writeString(to.resolve("README.txt"), "mine\n");
        return to;
    }

    @Test
    void aMirrorThatStreamsForeverIsCutAtTheCap() throws Exception {
        Path to = targetWithAUserFile();
        try (LoopbackMirror endless = LoopbackMirror.start().serveForever("train-images-idx3-ubyte.gz")) {
            Script.Result r = Script.run(fetch(to, endless.url()), env("-Dshallownet.fetch.max-bytes=2097152"),
                    tmp.resolve("fetch.log"), 180);

            assertEquals(ExitCode.FAILURE.code(), r.exitCode(), r.output());
            List<String> errors = errorLines(r.output());
            assertEquals(1, errors.size(), r.output());
            assertTrue(errors.get(0).contains("train-images-idx3-ubyte.gz: java.io.IOException: sent more than 2097152 "
                    + "bytes"), errors.get(0));
            assertTrue(endless.bytesSent("train-images-idx3-ubyte.gz") < 32 << 20,
                    "sent " + endless.bytesSent("train-images-idx3-ubyte.gz"));
            assertEquals(List.of("README.txt"), names(to), "no .part file, nothing under a final name");
        }
    }

    @Test
    void aMirrorThatDripsFailsByTheDeadline() throws Exception {
        Path to = targetWithAUserFile();
        try (LoopbackMirror slow = LoopbackMirror.start().serveDripping("train-images-idx3-ubyte.gz", 2_000)) {
            long t0 = System.nanoTime();
            Script.Result r = Script.run(fetch(to, slow.url()), env("-Dshallownet.fetch.deadline-seconds=4"),
                    tmp.resolve("fetch.log"), 180);
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertEquals(ExitCode.FAILURE.code(), r.exitCode(), r.output());
            List<String> errors = errorLines(r.output());
            assertEquals(1, errors.size(), r.output());
            assertTrue(errors.get(0).contains("train-images-idx3-ubyte.gz: stopped at the mirror's deadline of 4 s"),
                    errors.get(0));
            // JVM and SparkSubmit start take a few seconds; a read timeout alone would never end.
            assertTrue(seconds < 90, seconds + " s");
            assertEquals(List.of("README.txt"), names(to));
        }
    }

    @Test
    void aFetchKilledWithSigtermMidDownloadLeavesNoPartFile() throws Exception {
        Path to = targetWithAUserFile();
        Path log = tmp.resolve("fetch.log");
        try (LoopbackMirror slow = LoopbackMirror.start().serveDripping("train-images-idx3-ubyte.gz", 200)) {
            ProcessBuilder pb = new ProcessBuilder(fetch(to, slow.url())).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env(""));
            Process p = pb.start();
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (names(to).stream().noneMatch(n -> n.endsWith(".part"))) {
                    assertTrue(p.isAlive(), "exited before downloading:\n" + Files.readString(log, StandardCharsets.UTF_8));
                    assertTrue(System.nanoTime() < end, "no .part file within 120 s");
                    Thread.sleep(50);
                }
                // submit.sh execs the JVM, so this is SIGTERM to the fetch itself.
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not stop on SIGTERM");
                assertNotEquals(0, p.exitValue());
                assertEquals(List.of("README.txt"), names(to), "the shutdown hook removed the .part file");
            } finally {
                if (p.isAlive()) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
    }
}
