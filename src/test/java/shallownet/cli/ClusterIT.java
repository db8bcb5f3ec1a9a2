package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import shallownet.testutil.AppJar;
import shallownet.testutil.RealMnist;
import shallownet.testutil.StandaloneCluster;

/**
 * The job as a user runs it on a cluster: {@code ./submit.sh train --master spark://...} (client
 * mode) with the thin application jar, against a real standalone cluster (a Master and two
 * Workers, executors in JVMs of their own), reading real MNIST from a real HDFS (MiniDFSCluster in
 * this JVM) or from local files, and losing an executor mid-epoch. The reference is the same
 * recipe in {@code local[2]} with the same partitions: the seed recipe, one epoch.
 *
 * <p>The cluster is secured, as {@code cluster start} starts it: authentication with its own
 * secret, encrypted RPC and I/O. The jobs are submitted unchanged (submit.sh finds the secret
 * for the cluster's master URL), the secret is on no command line and in no log, and a driver
 * without it is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Path DIR = StandaloneCluster.projectDir().resolve("target/cluster-test");
    // Four partitions on two single-core executors: the partial gradients reach the driver in an
    // order that changes from step to step, and more so when an executor is lost.
    private static final String[] RECIPE = {"--partitions", "4", "--epochs", "1", "--eval-every", "0", "--seed", "1"};

    private static StandaloneCluster cluster;
    private static MiniDFSCluster hdfs;
    private static Path appJar;
    private static Path localModel;
    private static JsonNode localMeta;
    private static Double clusterTrainingSeconds;

    @BeforeAll
    static void startClusterAndHdfs() throws Exception {
        String mnist = RealMnist.dir();
        deleteRecursively(DIR);
        Files.createDirectories(DIR);
        appJar = AppJar.build(DIR.resolve("shallownet-app.jar"));
        cluster = StandaloneCluster.start(DIR.resolve("cluster"), 2);

        Configuration conf = new Configuration();
        hdfs = new MiniDFSCluster.Builder(conf, DIR.resolve("hdfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();
        FileSystem fs = hdfs.getFileSystem();
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(RealMnist.gz(name).toString()),
                    new org.apache.hadoop.fs.Path("/mnist/" + name + ".gz"));
        }

        // The reference: the same recipe, local[2], in this JVM, from the local files.
        localModel = DIR.resolve("models/local");
        List<String> args = new ArrayList<>(List.of("train", "--data", mnist, "--master", "local[2]",
                "--model-out", localModel.toString()));
        args.addAll(List.of(RECIPE));
        CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        localMeta = new ObjectMapper().readTree(localModel.resolve("model.json").toFile());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (hdfs != null) {
                hdfs.shutdown();
            }
        } finally {
            if (cluster != null) {
                Set<Long> pids = new HashSet<>(cluster.pidsSeen());
                cluster.close(); // fails if anything outlived cluster.sh stop
                assertEquals(List.of(), StandaloneCluster.alive(pids), "PIDs alive after teardown");
                System.out.println("cluster test: after teardown none of PIDs " + pids + " is alive");
            }
        }
    }

    @Test
    @Order(1)
    void trainsFromHdfsToHdfsOnTheClusterWithLocalWeightsThenEvaluatesThatModel() throws Exception {
        String nn = hdfs.getURI().toString();
        String data = nn + "/mnist";
        String model = nn + "/models/cluster-1";
        Submitted run = submit("hdfs-run", "train", "--data", data, "--model-out", model);
        assertEquals(0, run.exitCode, run.log);

        FileSystem fs = FileSystem.get(URI.create(nn), new Configuration());
        JsonNode meta = new ObjectMapper().readTree(read(fs, model + "/model.json"));
        assertEquals(cluster.masterUrl(), meta.at("/training/master").asText());
        assertTrue(meta.at("/data/train/images").asText().startsWith(data + "/"), meta.at("/data").toString());
        assertEquals(4, meta.at("/training/partitions").asInt());
        compareWeights(read(fs, model + "/weights.bin"), Files.readAllBytes(localModel.resolve("weights.bin")),
                "cluster (hdfs) vs local[2]");

        // Secured: the secret and the settings in files only their owner reads, the secret in no log.
        for (Path f : List.of(cluster.dir().resolve("secret"), cluster.securityConf())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        assertEquals("true", cluster.securitySettings().get("spark.authenticate"));
        assertEquals("true", cluster.securitySettings().get("spark.network.crypto.enabled"));
        assertEquals("true", cluster.securitySettings().get("spark.io.encryption.enabled"));
        for (String daemon : List.of("master", "worker-1", "worker-2")) {
            String log = Files.readString(cluster.dir().resolve(daemon + ".log"), StandardCharsets.UTF_8);
            assertTrue(log.contains("SecurityManager: authentication enabled"), daemon + ".log:\n" + log);
        }
        assertSecretInNoFile(DIR);
        double clusterStep = meta.at("/metrics/step_median_ms").asDouble();
        double localStep = localMeta.at("/metrics/step_median_ms").asDouble();
        clusterTrainingSeconds = meta.at("/metrics/seconds_training").asDouble();
        System.out.printf("cluster test: 1 epoch, 4 partitions: step median %.2f ms on the 2-Worker cluster vs %.2f ms "
                + "in local[2] (x%.2f); training %.1f s vs %.1f s%n", clusterStep, localStep, clusterStep / localStep,
                clusterTrainingSeconds, localMeta.at("/metrics/seconds_training").asDouble());

        // evaluate reads that model from HDFS (and the test set from HDFS): the figures training reported.
        CliRunner.Outcome ev = CliRunner.run("evaluate", "--model", model, "--data", data, "--master", "local[2]");
        assertEquals(0, ev.exitCode(), ev.err());
        double testError = meta.at("/metrics/test_error_pct").asDouble();
        assertTrue(ev.out().contains(String.format("error %.2f %%", testError)), ev.out());
    }

    /**
     * One task per executor, merged through deeper trees: with the cluster's 2 executors, depth 2
     * and 3 add a shuffle level in the real job, and the weights are local[2]'s to the bit.
     */
    @Test
    @Order(1)
    void deeperTreesOnTheClusterGiveTheWeightsOfLocalMode() throws Exception {
        for (String depth : List.of("2", "3")) {
            Path model = DIR.resolve("models/tree-depth-" + depth);
            Submitted run = submit("tree-depth-" + depth, "train", "--data", RealMnist.dir(), "--tree-depth", depth,
                    "--model-out", model.toString());
            assertEquals(0, run.exitCode, run.log);
            assertTrue(run.log.contains("a step is 2 task(s), one per executor, merged by a tree of depth " + depth),
                    run.log);
            compareWeights(Files.readAllBytes(model.resolve("weights.bin")),
                    Files.readAllBytes(localModel.resolve("weights.bin")), "cluster, tree depth " + depth + " vs local[2]");
        }
    }

    @Test
    @Order(2)
    void survivesAnExecutorKilledMidEpoch() throws Exception {
        Path model = DIR.resolve("models/executor-killed");
        Path log = DIR.resolve("executor-killed.log");
        List<String> cmd = submitCommand("train", "--data", RealMnist.dir(), "--model-out", model.toString());
        Process p = start(cmd, log);
        try {
            // The initial evaluation is logged just before the first training step.
            waitFor(p, log, "shallownet: initial ", 300);
            Set<Long> before = new HashSet<>(cluster.executorPids());
            for (int i = 0; i < 300 && before.size() < 2; i++) {
                Thread.sleep(100);
                before = new HashSet<>(cluster.executorPids());
            }
            assertEquals(2, before.size(), "one executor per Worker: " + before);
            // The secret is on no command line: daemons, executors (secured), the driver and submit.sh.
            String secret = cluster.secret();
            List<Long> pids = new ArrayList<>(cluster.daemonPids().values());
            pids.addAll(before);
            p.descendants().forEach(d -> pids.add(d.pid()));
            pids.add(p.pid());
            for (long pid : pids) {
                assertFalse(commandLine(pid).contains(secret), "the secret on the command line of PID " + pid);
            }
            for (long pid : before) {
                assertTrue(commandLine(pid).contains("-Dspark.authenticate=true"), commandLine(pid));
            }
            Thread.sleep(5_000);
            assertTrue(p.isAlive(), "training still running");
            assertFalse(Files.readString(log).contains("epoch   1/1"), "the kill must land mid-epoch");
            long victim = before.iterator().next();
            long killedAt = System.nanoTime();
            assertTrue(ProcessHandle.of(victim).orElseThrow().destroyForcibly(), "SIGKILL sent to " + victim);
            Long replacement = null;
            while (replacement == null && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(120)) {
                for (long pid : cluster.executorPids()) {
                    if (!before.contains(pid)) {
                        replacement = pid;
                    }
                }
                Thread.sleep(100);
            }
            double relaunch = (System.nanoTime() - killedAt) / 1e9;
            assertNotNull(replacement, "the Worker launched no new executor within 120 s");
            assertTrue(p.waitFor(600, TimeUnit.SECONDS), "training did not finish in 10 minutes");
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("epoch   1/1"), out);
            // The driver saw the loss (and with it the cached blocks of that executor).
            assertTrue(out.contains("Lost executor"), out);

            compareWeights(Files.readAllBytes(model.resolve("weights.bin")),
                    Files.readAllBytes(localModel.resolve("weights.bin")), "executor killed vs local[2]");
            JsonNode meta = new ObjectMapper().readTree(model.resolve("model.json").toFile());
            double seconds = meta.at("/metrics/seconds_training").asDouble();
            System.out.printf("cluster test: executor PID %d killed mid-epoch; replacement executor PID %d up %.1f s "
                    + "later; training %.1f s (uninterrupted cluster run: %s s)%n", victim, replacement, relaunch,
                    seconds, clusterTrainingSeconds == null ? "n/a" : String.format("%.1f", clusterTrainingSeconds));
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /**
     * Cluster deploy mode: the standalone Master starts the driver on a Worker (the driver takes
     * that Worker's one core, the executor runs on the other). Its output stays on the Worker, in
     * the driver's work directory.
     */
    @Test
    @Order(3)
    void evaluatesInClusterDeployModeWithTheDriverOnAWorker() throws Exception {
        // Spark 4.2's Worker starts such a driver without the secret (SPARK-25078): submit.sh says
        // so for the secured cluster, at once, rather than leaving a driver that fails on the Worker.
        Path refusedLog = DIR.resolve("cluster-deploy-mode-secured.log");
        int refused = finish(start(clusterDeployCommand(cluster.masterUrl()), refusedLog), 120,
                "cluster deploy mode on the secured cluster");
        String refusal = Files.readString(refusedLog, StandardCharsets.UTF_8);
        assertEquals(2, refused, refusal);
        assertTrue(refusal.contains("submit.sh: --deploy-mode cluster does not work on a secured standalone cluster"),
                refusal);

        // On a cluster started with --insecure: one Worker of 2 cores, the driver's and the executor's.
        try (StandaloneCluster insecure = StandaloneCluster.start(DIR.resolve("cluster-insecure"), 1, 2, "2g", false)) {
            assertFalse(Files.exists(insecure.securityConf()));
            evaluateInClusterDeployMode(insecure);
        }
    }

    private static List<String> clusterDeployCommand(String masterUrl) {
        return List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString(), "evaluate",
                "--master", masterUrl, "--deploy-mode", "cluster", "--driver-memory", "512m",
                "--executor-memory", "1g", "--conf", "spark.standalone.submit.waitAppCompletion=true",
                "--model", localModel.toString(), "--data", RealMnist.dir(), "--partitions", "2");
    }

    private static void evaluateInClusterDeployMode(StandaloneCluster on) throws Exception {
        Path workDirs = on.dir();
        Path log = DIR.resolve("cluster-deploy-mode.log");
        int exit = finish(start(clusterDeployCommand(on.masterUrl()), log), 300, "evaluate in cluster deploy mode");
        assertEquals(0, exit, Files.readString(log, StandardCharsets.UTF_8));
        List<Path> driverOut;
        try (var walk = Files.walk(workDirs, 3)) {
            driverOut = walk.filter(f -> f.getFileName().toString().equals("stdout")
                    && f.getParent().getFileName().toString().startsWith("driver-")).toList();
        }
        assertEquals(1, driverOut.size(), "one driver's stdout in the Workers' work dirs: " + driverOut);
        String out = Files.readString(driverOut.get(0), StandardCharsets.UTF_8);
        double testError = localMeta.at("/metrics/test_error_pct").asDouble();
        assertTrue(out.contains(String.format("error %.2f %%", testError)), out);
        System.out.println("cluster test: evaluate in cluster deploy mode, driver on a Worker ("
                + driverOut.get(0).getParent().getParent().getFileName() + "): test error " + testError + " %");
    }

    @Test
    @Order(4)
    void runsThroughTheSparkSubmitOfASparkHomeWithBin() throws Exception {
        Path home = StandaloneCluster.sparkHomeWithBin(DIR.resolve("spark-home-with-bin"));
        Path conf = StandaloneCluster.projectDir().resolve("conf");
        List<String> cmd = List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString(), "evaluate",
                "--master", cluster.masterUrl(), "--driver-memory", "1g", "--model", localModel.toString(),
                "--data", RealMnist.dir(), "--partitions", "2");
        Path log = DIR.resolve("spark-home-with-bin.log");
        int exit = finish(start(cmd, log, home), 300, "evaluate through bin/spark-submit");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        double testError = localMeta.at("/metrics/test_error_pct").asDouble();
        assertTrue(out.contains(String.format("error %.2f %%", testError)), out);

        // submit.sh handed the job to bin/spark-submit, as docs/cluster.md says, ...
        List<String> given = Files.readAllLines(home.resolve("spark-submit-args.txt"));
        assertEquals(conf.resolve("spark-defaults.conf").toString(), given.get(given.indexOf("--properties-file") + 1));
        assertEquals(cluster.masterUrl(), given.get(given.indexOf("--master") + 1));
        // the secured cluster's settings as a file, not as values on the command line
        assertEquals(cluster.securityConf().toString(), given.get(given.indexOf("--extra-properties-file") + 1));
        assertFalse(String.join(" ", given).contains(cluster.secret()), given.toString());
        assertEquals("shallownet.cli.Main", given.get(given.indexOf("--class") + 1));
        assertEquals(appJar.toString(), given.get(given.indexOf("--class") + 2));
        // ... and Spark's launcher built the driver's JVM: the heap asked for, our driver options,
        // and the module options that Spark (not submit.sh) adds on this path.
        List<String> ran = Files.readAllLines(home.resolve("spark-submit-command.txt"));
        assertTrue(ran.get(0).endsWith("/java"), ran.toString());
        assertTrue(ran.contains("-Xmx1g"), ran.toString());
        assertTrue(ran.contains("-Dshallownet.defaults=" + conf.resolve("shallownet-defaults.properties")), ran.toString());
        assertTrue(ran.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), ran.toString());
        System.out.println("cluster test: evaluate through bin/spark-submit of a SPARK_HOME with bin/ (Spark's launcher "
                + "built a " + ran.size() + "-word driver command): test error " + testError + " %");
    }

    /**
     * A driver without the cluster's secret is refused: one with no security settings at all (as
     * from a checkout that did not start the cluster), one with a wrong secret. The standalone
     * client gives up after its three registration attempts, 20 s apart: what the user sees is
     * Spark's "Failed to connect to master" three times, then "All masters are unresponsive!
     * Giving up." and a non-zero exit, about a minute after the start. Both run at once.
     */
    @Test
    @Order(5)
    void refusesADriverWithoutTheSecret() throws Exception {
        String[] evaluate = {"evaluate", "--master", cluster.masterUrl(), "--driver-memory", "1g",
            "--model", localModel.toString(), "--data", RealMnist.dir(), "--partitions", "2"};
        List<String> noSecurity = new ArrayList<>(List.of("bash",
                StandaloneCluster.projectDir().resolve("submit.sh").toString()));
        noSecurity.addAll(List.of(evaluate));
        noSecurity.addAll(List.of("--conf", "spark.authenticate=false", "--conf", "spark.network.crypto.enabled=false",
                "--conf", "spark.io.encryption.enabled=false"));
        List<String> wrongSecret = new ArrayList<>(noSecurity.subList(0, 2 + evaluate.length));
        wrongSecret.addAll(List.of("--conf", "spark.authenticate.secret=" + "0".repeat(64)));
        long started = System.nanoTime();
        Process a = start(noSecurity, DIR.resolve("refused-no-secret.log"));
        Process b = start(wrongSecret, DIR.resolve("refused-wrong-secret.log"));
        int exitA = finish(a, 240, "a driver without security settings");
        int exitB = finish(b, 240, "a driver with a wrong secret");
        double seconds = (System.nanoTime() - started) / 1e9;
        String hostPort = cluster.masterUrl().substring("spark://".length());
        for (String name : List.of("refused-no-secret", "refused-wrong-secret")) {
            String out = Files.readString(DIR.resolve(name + ".log"), StandardCharsets.UTF_8);
            assertTrue(out.contains("Failed to connect to master " + hostPort), name + ":\n" + out);
            assertTrue(out.contains("All masters are unresponsive! Giving up."), name + ":\n" + out);
            // and evaluate never got to its result
            assertFalse(out.contains(String.format("error %.2f %%", localMeta.at("/metrics/test_error_pct").asDouble())),
                    name + ":\n" + out);
        }
        assertTrue(Files.readString(DIR.resolve("refused-no-secret.log"))
                .contains("maybe your client does not have SASL enabled?"));
        assertTrue(exitA != 0 && exitB != 0, "exit codes " + exitA + ", " + exitB);
        // Nothing of either ran on the cluster.
        assertEquals(List.of(), cluster.executorPids());
        System.out.printf("cluster test: a driver without security settings (exit %d) and one with a wrong secret "
                + "(exit %d) refused by the secured cluster, both within %.1f s%n", exitA, exitB, seconds);
    }

    /** No file under {@code dir} but the cluster's two own holds its secret: no log, no model. */
    private static void assertSecretInNoFile(Path dir) throws IOException {
        byte[] secret = cluster.secret().getBytes(StandardCharsets.UTF_8);
        Set<Path> own = Set.of(cluster.dir().resolve("secret"), cluster.securityConf());
        List<Path> holding = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                if (!own.contains(f) && Files.size(f) < 50_000_000 && indexOf(Files.readAllBytes(f), secret) >= 0) {
                    holding.add(f);
                }
            }
        }
        assertEquals(List.of(), holding, "files holding the cluster's secret");
    }

    private static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    /**
     * Model weights compared bit for bit: every partition folds its samples in the same order on
     * every JVM, and {@code GradientSum} merges the partial sums exactly (fixed point), so neither
     * the order in which tasks finish nor a recomputed partition changes a bit. The max relative
     * difference is printed too.
     */
    static void compareWeights(byte[] actual, byte[] expected, String what) {
        assertEquals(expected.length, actual.length, what + ": weights.bin sizes");
        ByteBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        double maxDiff = 0;
        double maxAbs = 0;
        int differing = 0;
        for (int i = 0; i < expected.length / 4; i++) {
            float x = a.getFloat(4 * i);
            float y = e.getFloat(4 * i);
            maxDiff = Math.max(maxDiff, Math.abs(x - y));
            maxAbs = Math.max(maxAbs, Math.abs(y));
            if (Float.floatToRawIntBits(x) != Float.floatToRawIntBits(y)) {
                differing++;
            }
        }
        double rel = maxDiff / maxAbs;
        System.out.printf("cluster test: %s: %d of %d weights differ, max |diff| / max |w| = %.3g%n", what, differing,
                expected.length / 4, rel);
        assertEquals(0, differing, what + ": max |diff| / max |w| = " + rel);
    }

    private record Submitted(int exitCode, String log) {
    }

    private static Submitted submit(String name, String... args) throws IOException, InterruptedException {
        Path log = DIR.resolve(name + ".log");
        int exit = finish(start(submitCommand(args), log), 600, name);
        return new Submitted(exit, Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Waits for {@code p} and returns its exit code; past the limit, kills it and its children and fails. */
    static int finish(Process p, int seconds, String what) throws InterruptedException {
        try {
            assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), what + " did not finish in " + seconds + " s");
            return p.exitValue();
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** {@code ./submit.sh COMMAND --master <the cluster> [recipe] ARGS}, as a user types it. */
    private static List<String> submitCommand(String... commandAndArgs) {
        List<String> cmd = new ArrayList<>(List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString(),
                commandAndArgs[0], "--master", cluster.masterUrl(), "--driver-memory", "1g"));
        cmd.addAll(List.of(RECIPE));
        cmd.addAll(List.of(commandAndArgs).subList(1, commandAndArgs.length));
        return cmd;
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        return start(cmd, log, StandaloneCluster.sparkHome());
    }

    private static Process start(List<String> cmd, Path log, Path sparkHome) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("SPARK_HOME", sparkHome.toString(), "SHALLOWNET_JAR", appJar.toString()));
        return pb.start();
    }

    static void waitFor(Process p, Path log, String text, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            assertTrue(p.isAlive(), "exited before '" + text + "':\n" + Files.readString(log, StandardCharsets.UTF_8));
            assertTrue(System.nanoTime() < end, "no '" + text + "' in " + seconds + " s");
            Thread.sleep(100);
        }
    }

    static byte[] read(FileSystem fs, String path) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return in.readAllBytes();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
