package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.AppJar;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.Script;
import shallownet.testutil.StandaloneCluster;

/**
 * The scripts run from a checkout whose path has spaces (as in {@code /home/me/My Projects/}), with
 * the jar, the data, Spark's jars and the cluster's directory under such paths too: {@code info}
 * through SparkSubmit directly and through a SPARK_HOME's {@code bin/spark-submit}, and a standalone
 * cluster's start, status and stop.
 */
class ScriptPathsIT {

    @TempDir
    static Path tmp;

    /** A copy of the checkout's scripts and conf/ under a path with spaces. */
    static Path checkout;
    static Path appJar;
    static Path data;

    @BeforeAll
    static void spacedCheckout() throws IOException {
        Path project = StandaloneCluster.projectDir();
        checkout = tmp.resolve("my projects/shallow net");
        for (String part : List.of("submit.sh", "src/main/sh", "conf")) {
            copy(project.resolve(part), checkout.resolve(part));
        }
        appJar = AppJar.build(checkout.resolve("target/shallownet app.jar"));
        data = IdxFixtures.writeDataDirectory(tmp.resolve("my data"), 120, 40, 28, 28, 10, false).dir();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static Script.Result run(Map<String, String> env, Path log, String... args) throws Exception {
        List<String> cmd = Stream.concat(Stream.of("bash", checkout.resolve("submit.sh").toString()), Stream.of(args))
                .toList();
        return Script.run(cmd, env, log, 400);
    }

    private static void assertInfo(Script.Result r) {
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("120 samples of 28x28"), r.output());
        assertTrue(r.output().contains(data.resolve("train-images-idx3-ubyte").toString()), r.output());
        // conf/log4j2.properties (under the spaced path) was read: no Spark INFO lines.
        assertFalse(r.output().contains(" INFO "), r.output());
    }

    @Test
    void infoRunsThroughSparkSubmitFromASpacedPath() throws Exception {
        Path sparkHome = tmp.resolve("spark jars");
        Files.createDirectories(sparkHome);
        Files.createSymbolicLink(sparkHome.resolve("jars"), StandaloneCluster.sparkHome().resolve("jars"));
        assertInfo(run(Map.of("SPARK_HOME", sparkHome.toString(), "SHALLOWNET_JAR", appJar.toString()),
                tmp.resolve("info.log"), "info", "--data", data.toString()));
    }

    @Test
    void infoRunsThroughBinSparkSubmitFromASpacedPath() throws Exception {
        Path sparkHome = StandaloneCluster.sparkHomeWithBin(tmp.resolve("spark home"));
        assertInfo(run(Map.of("SPARK_HOME", sparkHome.toString(), "SHALLOWNET_JAR", appJar.toString()),
                tmp.resolve("info-bin.log"), "info", "--data", data.toString()));
        // The driver's options reached Spark's launcher as whole words, spaces and all.
        List<String> command = Files.readAllLines(sparkHome.resolve("spark-submit-command.txt"), StandardCharsets.UTF_8);
        assertTrue(command.contains("-Dlog4j2.configurationFile=file:" + checkout.resolve("conf/log4j2.properties")),
                String.join("\n", command));
    }

    @Test
    void aClusterStartsAndStopsFromASpacedPath() throws Exception {
        Path sparkHome = tmp.resolve("spark cluster home");
        Files.createDirectories(sparkHome);
        Files.createSymbolicLink(sparkHome.resolve("jars"), StandaloneCluster.sparkHome().resolve("jars"));
        Path dir = tmp.resolve("cluster dir");
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString());
        try {
            Script.Result start = run(env, tmp.resolve("start.log"), "cluster", "start", "--workers", "1",
                    "--dir", dir.toString());
            assertEquals(0, start.exitCode(), start.output());
            assertTrue(start.output().strip().matches("spark://127\\.0\\.0\\.1:\\d+"), start.output());
            Script.Result status = run(env, tmp.resolve("status.log"), "cluster", "status", "--dir", dir.toString());
            assertEquals(0, status.exitCode(), status.output());
            assertTrue(status.output().contains("worker-1 PID"), status.output());
        } finally {
            Script.Result stop = run(env, tmp.resolve("stop.log"), "cluster", "stop", "--dir", dir.toString());
            assertEquals(0, stop.exitCode(), stop.output());
        }
        Script.Result after = run(env, tmp.resolve("after.log"), "cluster", "status", "--dir", dir.toString());
        assertEquals(1, after.exitCode(), after.output());
    }
}
