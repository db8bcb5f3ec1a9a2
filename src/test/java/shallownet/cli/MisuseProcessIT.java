package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.AppJar;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.StandaloneCluster;

/**
 * Misuse through {@code ./submit.sh}, as a user's shell runs it (the application jar, Spark's
 * jars, the shipped log configuration): a refused {@code --overwrite} is one line and exit 2;
 * SIGTERM in the middle of training prints one {@code interrupted:} line instead of Spark's
 * shutdown noise, leaves the model it would have replaced as it was and writes nothing else;
 * SIGTERM in a {@code retrain} records a one-line reason in the store's history.
 */
class MisuseProcessIT {

    /** The JVM's own notice on every start (the vector module), not the command's output. */
    private static final String JVM_NOTICE = "WARNING: Using incubator modules";

    @TempDir
    static Path shared;

    static Path appJar;
    static Path data;

    @TempDir
    Path root;

    @BeforeAll
    static void jarAndData() throws IOException {
        appJar = AppJar.build(shared.resolve("shallownet-app.jar"));
        // Big enough that 200 epochs run for minutes: the signal always lands in training.
        data = IdxFixtures.writeDataDirectory(shared.resolve("data"), 6000, 500, 28, 28, 10, false).dir();
    }

    private static Process submit(Path out, Path err, String... args) throws IOException {
        return submit(Map.of(), out, err, args);
    }

    private static Process submit(Map<String, String> env, Path out, Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(),
                "SHALLOWNET_JAR", appJar.toString()));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith(JVM_NOTICE)).toList();
    }

    private static void waitFor(Process p, Path log, String text) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            assertTrue(p.isAlive(), "exited before '" + text + "':\n" + Files.readString(log, StandardCharsets.UTF_8));
            assertTrue(System.nanoTime() < end, "no '" + text + "' in 3 minutes");
            Thread.sleep(100);
        }
    }

    private static int finish(Process p) throws InterruptedException {
        try {
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the command did not end");
            return p.exitValue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Path existingModel() throws IOException {
        Path model = root.resolve("model");
        NetworkShape shape = new NetworkShape(28 * 28, 16, 10);
        ModelFiles.save(new Configuration(), model.toString(), shape, WeightInit.initShallow(shape, 1),
                ModelFiles.json().createObjectNode(), false);
        return model;
    }

    @Test
    void overwriteOfAUsersDirectoryIsOneLineAndExit2() throws Exception {
        Path user = Files.createDirectories(root.resolve("user/sub"));
        Files.writeString(user.resolve("keep.txt"), "mine\n");
        Map<String, String> before = StoreListing.of(root);
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");

        int code = finish(submit(out, err, "train", "--data", data.toString(), "--model-out",
                root.resolve("user").toString(), "--overwrite", "--master", "local[1]"));

        List<String> stderr = lines(err);
        assertAll(
                () -> assertEquals(ExitCode.BAD_INPUT.code(), code, String.join("\n", stderr)),
                () -> assertEquals(1, stderr.size(), "one line:\n" + String.join("\n", stderr)),
                () -> assertTrue(stderr.get(0).startsWith("error: " + root.resolve("user") + ": is not a model directory"),
                        stderr.get(0)),
                () -> assertEquals(before, StoreListing.of(root), "the user's directory as it was"));
    }

    @Test
    void anUnknownBlasIsOneLineAndExit2BeforeSparkStarts() throws Exception {
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        Path model = root.resolve("model");

        int code = finish(submit(Map.of("SHALLOWNET_JAVA_OPTS", "-Dshallownet.blas=openblas"), out, err, "train",
                "--data", data.toString(), "--model-out", model.toString(), "--master", "local[1]"));

        List<String> stderr = lines(err);
        assertAll(
                () -> assertEquals(ExitCode.BAD_INPUT.code(), code, String.join("\n", stderr)),
                () -> assertEquals(List.of("error: -Dshallownet.blas=openblas: expected java or native"), stderr),
                () -> assertFalse(Files.exists(model), "no model written"));
    }

    @Test
    void sigtermInTrainingIsOneLineAndTheModelItWouldReplaceIsUntouched() throws Exception {
        Path model = existingModel();
        Files.writeString(root.resolve("notes.txt"), "other files beside the model\n");
        Map<String, String> before = StoreListing.of(root);
        Path out = root.getParent().resolve(root.getFileName() + "-out.txt");
        Path err = root.getParent().resolve(root.getFileName() + "-err.txt");

        Process p = submit(out, err, "train", "--data", data.toString(), "--model-out", model.toString(),
                "--overwrite", "--hidden", "16", "--epochs", "200", "--progress", "off", "--master", "local[2]",
                "--metrics-out", root.resolve("metrics.jsonl").toString(), "--report", root.resolve("run.html").toString());
        // The initial evaluation writes the metrics file's first line; the steps come next.
        waitFor(p, err, "shallownet: initial ");
        Thread.sleep(500);
        p.destroy(); // SIGTERM
        int code = finish(p);

        List<String> stderr = lines(err);
        int started = stderr.indexOf(stderr.stream().filter(l -> l.contains("training a ")).findFirst().orElseThrow());
        // After training started: how a step runs, the per-epoch lines, then one line for the signal.
        List<String> after = stderr.subList(started + 1, stderr.size()).stream()
                .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d INFO  shallownet: (initial|epoch|a step is) .*")).toList();
        Path metrics = root.resolve("metrics.jsonl");
        Map<String, String> now = new java.util.TreeMap<>(StoreListing.of(root));
        assertAll(
                () -> assertEquals(143, code, "killed by SIGTERM (128 + 15)"),
                () -> assertEquals(List.of("interrupted: the model was not written; " + metrics
                        + " holds the metrics of the epochs done so far"), after,
                        "one line after the signal; stderr:\n" + String.join("\n", stderr)),
                () -> assertTrue(stderr.stream().noneMatch(l -> l.contains("Exception") || l.startsWith("error:")),
                        String.join("\n", stderr)),
                () -> assertTrue(Files.readString(metrics).startsWith("{\"epoch\":0,"), "the metrics so far"),
                () -> assertTrue(now.remove("metrics.jsonl") != null, "the metrics file is kept: " + now),
                () -> assertEquals(before, now, "the model and its neighbours as they were, "
                        + "no report or staging directory"));
    }

    /**
     * A write that fails half-way (here the file-size limit of the shell, {@code ulimit -f}; a full
     * disk fails the same way, as Hadoop's {@code FSError}) is one line naming the file, and no
     * truncated CSV is left under the final name nor a temporary sibling beside it.
     */
    @Test
    void aWriteThatFailsHalfWayIsOneLineAndLeavesNoTruncatedFile() throws Exception {
        Path model = existingModel();
        Path csv = root.resolve("predictions.csv");
        Path out = root.getParent().resolve(root.getFileName() + "-out.txt");
        Path err = root.getParent().resolve(root.getFileName() + "-err.txt");
        Map<String, String> before = StoreListing.of(root);

        List<String> cmd = List.of("bash", "-c", "ulimit -f 100 && exec bash \"$0\" \"$@\"",
                StandaloneCluster.projectDir().resolve("submit.sh").toString(), "predict", "--model", model.toString(),
                "--images", data.resolve("train-images-idx3-ubyte").toString(), "--out", csv.toString(),
                "--probabilities");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(),
                "SHALLOWNET_JAR", appJar.toString()));
        int code = finish(pb.start());

        List<String> stderr = lines(err);
        assertAll(
                () -> assertEquals(ExitCode.FAILURE.code(), code, String.join("\n", stderr)),
                () -> assertEquals(1, stderr.size(), "one line:\n" + String.join("\n", stderr)),
                () -> assertTrue(stderr.get(0).startsWith("error: could not write " + csv + ": File too large"),
                        stderr.get(0)),
                () -> assertEquals(before, StoreListing.of(root), "no predictions.csv, no temporary sibling"));
    }

    @Test
    void sigtermInRetrainRecordsOneLineInTheHistory() throws Exception {
        Path store = root.resolve("store");
        Path out = root.getParent().resolve(root.getFileName() + "-out.txt");
        Path err = root.getParent().resolve(root.getFileName() + "-err.txt");

        Process p = submit(out, err, "retrain", "--data", data.toString(), "--store", store.toString(),
                "--hidden", "16", "--epochs", "200", "--progress", "off", "--master", "local[2]", "--checkpoint-every", "0");
        waitFor(p, err, "starting from");
        Thread.sleep(3000);
        p.destroy(); // SIGTERM
        int code = finish(p);

        List<String> stderr = lines(err);
        List<String> history = Files.readAllLines(store.resolve("history.jsonl"));
        JsonNode run = ModelFiles.json().readTree(history.get(0));
        assertAll(
                () -> assertEquals(143, code, "killed by SIGTERM"),
                () -> assertEquals("interrupted: nothing was promoted; rerun the same command to resume from the last "
                        + "checkpoint", stderr.get(stderr.size() - 1), String.join("\n", stderr)),
                () -> assertEquals(1, stderr.stream().filter(l -> l.startsWith("interrupted:")).count()),
                () -> assertTrue(stderr.stream().noneMatch(l -> l.contains("Exception") || l.startsWith("error:")),
                        String.join("\n", stderr)),
                () -> assertEquals(1, history.size(), "one run in the history"),
                () -> assertEquals("failed", run.path("status").asText(), history.get(0)),
                () -> assertEquals("interrupted (SIGTERM or Ctrl-C)", run.path("error").asText(), history.get(0)),
                () -> assertFalse(Files.exists(store.resolve("CURRENT")), "nothing promoted"),
                () -> assertFalse(Files.exists(store.resolve("versions")), "no version written"),
                () -> assertFalse(Files.exists(store.resolve("LOCK")), "the lock released"));
    }
}
