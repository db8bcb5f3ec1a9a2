package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.AppJar;
import shallownet.testutil.FullDisk;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.StandaloneCluster;

/**
 * Issue 25's misuse that only a process shows, through {@code ./submit.sh} as a user's shell runs
 * it: a master URL Spark refuses, a JAVA_HOME without java, JVM options the JVM cannot start with,
 * a classpath the user cannot read, and a PNG written to a full disk (whose ImageIO trace came
 * from a shutdown hook, after the error line). Each: its exit code, exactly one stderr line, the
 * JVM's own start-up notice aside, and every file under the case's directory unchanged.
 */
class MisuseRoundTwoIT {

    /** The JVM's notice on every start (the vector module), not the command's output. */
    private static final String JVM_NOTICE = "WARNING: Using incubator modules";

    @TempDir
    static Path shared;

    static Path appJar;
    static Path data;
    static Path model;

    @TempDir
    Path root;

    @BeforeAll
    static void jarDataAndModel() throws IOException {
        appJar = AppJar.build(shared.resolve("shallownet-app.jar"));
        data = IdxFixtures.writeDataDirectory(shared.resolve("data"), 200, 50, 28, 28, 10, false).dir();
        model = shared.resolve("model");
        NetworkShape shape = new NetworkShape(28 * 28, 16, 10);
        ModelFiles.save(new Configuration(), model.toString(), shape, WeightInit.initShallow(shape, 1),
                ModelFiles.json().createObjectNode(), false);
    }

    record Run(int exitCode, List<String> stdout, List<String> stderr) {
    }

    private static Run submit(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(),
                "SHALLOWNET_JAR", appJar.toString()));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getValue() == null) {
                pb.environment().remove(e.getKey());
            } else {
                pb.environment().put(e.getKey(), e.getValue());
            }
        }
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the command did not end: " + cmd);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith(JVM_NOTICE)).toList());
    }

    private static Run submit(Map<String, String> env, String... args) throws Exception {
        return submit(StandaloneCluster.projectDir().resolve("submit.sh"), env, args);
    }

    private void assertOneLine(Run r, int code, String says, Map<String, String> before, Path listed) {
        assertAll(
                () -> assertEquals(code, r.exitCode(), "exit code; stderr: " + r.stderr()),
                () -> assertEquals(1, r.stderr().size(), "exactly one stderr line: " + r.stderr()),
                () -> assertTrue(r.stderr().get(0).contains(says), "says '" + says + "': " + r.stderr()),
                () -> assertFalse(String.join("\n", r.stderr()).contains("Exception"), r.stderr().toString()),
                () -> assertEquals(before, StoreListing.of(listed), "every file as before"));
    }

    @Test
    void aMasterSparkDoesNotAcceptIsOneLineAndExit2() throws Exception {
        for (String master : List.of("bogus", "local[2]; x", "spark://host-without-port")) {
            Map<String, String> before = StoreListing.of(root);
            Run r = submit(Map.of(), "train", "--master", master, "--data", data.toString(), "--model-out",
                    root.resolve("m").toString());
            assertOneLine(r, 2, "submit.sh: --master needs local, local[N]", before, root);
            assertTrue(r.stderr().get(0).endsWith("not '" + master + "'"), r.stderr().get(0));
        }
    }

    @Test
    void aJavaHomeWithoutJavaIsOneLineAndExit2() throws Exception {
        Map<String, String> before = StoreListing.of(root);
        Run r = submit(Map.of("JAVA_HOME", "/nonexistent"), "predict", "--model", model.toString(), "--images",
                data.resolve("t10k-images-idx3-ubyte").toString(), "--out", root.resolve("p.csv").toString());
        assertOneLine(r, 2, "submit.sh: JAVA_HOME is '/nonexistent', which has no bin/java", before, root);
    }

    @Test
    void aJvmThatCannotStartSaysWhyOnStderrInOneLine() throws Exception {
        Map<String, String> before = StoreListing.of(root);
        Run r = submit(Map.of("SHALLOWNET_JAVA_OPTS", "-Xmx1m"), "predict", "--model", model.toString(), "--images",
                data.resolve("t10k-images-idx3-ubyte").toString(), "--out", root.resolve("p.csv").toString());
        assertOneLine(r, 2, "the JVM does not start with SHALLOWNET_JAVA_OPTS='-Xmx1m'", before, root);
        assertTrue(r.stderr().get(0).endsWith("Too small maximum heap"), r.stderr().get(0));
        assertEquals(List.of(), r.stdout(), "nothing on stdout");

        Run bad = submit(Map.of("SHALLOWNET_JAVA_OPTS", "-Xbogus"), "info", "--data", data.toString());
        assertOneLine(bad, 2, "Unrecognized option: -Xbogus", before, root);
    }

    @Test
    void aClasspathThisUserCannotReadIsOneLineAndExit2() throws Exception {
        // A checkout whose target/spark-classpath.txt names jars this user cannot read (another
        // user's Maven repository; a missing jar is refused by the same check).
        Path checkout = root.resolve("checkout");
        Path project = StandaloneCluster.projectDir();
        for (String part : List.of("submit.sh", "src/main/sh", "conf")) {
            copy(project.resolve(part), checkout.resolve(part));
        }
        Path missing = root.resolve("other-user/.m2/spark-core.jar");
        Files.createDirectories(checkout.resolve("target"));
        Files.writeString(checkout.resolve("target/spark-classpath.txt"), missing + "\n");
        Map<String, String> before = StoreListing.of(root);
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", null);
        Run r = submit(checkout.resolve("submit.sh"), env, "info", "--data", data.toString());
        assertOneLine(r, 2, "submit.sh: " + missing + ": not readable by ", before, root);
    }

    @Test
    void showPngOnAFullDiskIsOneLineWithoutATrace() throws Exception {
        try (FullDisk disk = FullDisk.mount(root.resolve("full"))) {
            Map<String, String> before = StoreListing.of(root);
            Map<String, String> dataBefore = StoreListing.of(data);
            Run r = submit(Map.of(), "show", "--data", data.toString(), "--index", "3", "--png",
                    disk.dir().resolve("digit.png").toString());
            assertOneLine(r, 1, "No space left on device", before, root);
            assertTrue(r.stderr().get(0).startsWith("error: ") && r.stderr().get(0).contains("digit.png"),
                    "names the file: " + r.stderr());
            assertEquals(dataBefore, StoreListing.of(data));
        }
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
}
