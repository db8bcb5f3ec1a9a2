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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import shallownet.testutil.AppJar;
import shallownet.testutil.Docs;
import shallownet.testutil.RealMnist;
import shallownet.testutil.StandaloneCluster;
import shallownet.testutil.YarnCluster;

/**
 * The job on YARN as a scheduler runs it: {@code ./submit.sh ... --master yarn} with no Spark
 * installation (Spark's jars from the Maven classpath), {@code HADOOP_CONF_DIR} naming a real
 * YARN cluster (ResourceManager and two NodeManagers; every container a JVM of its own) with HDFS
 * as its default file system. The reference is the seed recipe, one epoch, 4 partitions, run in
 * {@code local[2]} in this JVM: the weights must match to the bit after a run in cluster deploy
 * mode, after an executor is killed, and after the driver is killed and YARN's second attempt
 * resumes {@code retrain} from its last checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnIT {

    private static final Path DIR = StandaloneCluster.projectDir().resolve("target/yarn-test");
    private static final String[] RECIPE = {"--partitions", "4", "--epochs", "1", "--eval-every", "0", "--seed", "1"};
    private static final Pattern APP_ID = Pattern.compile("application_\\d+_\\d+");

    private static YarnCluster yarn;
    private static Path appJar;
    private static Path localModel;
    private static JsonNode localMeta;
    private static String hdfsModel;
    /** Spark's jars as one archive on HDFS, as docs/cluster.md says to set up scheduled runs (spark.yarn.archive). */
    private static String archive;

    @BeforeAll
    static void startYarnAndTrainTheReference() throws Exception {
        String mnist = RealMnist.dir();
        ClusterIT.deleteRecursively(DIR);
        Files.createDirectories(DIR);
        appJar = AppJar.build(DIR.resolve("shallownet-app.jar"));
        yarn = YarnCluster.start(DIR.resolve("cluster"), 2);
        FileSystem fs = yarn.fs();
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(RealMnist.gz(name).toString()),
                    new org.apache.hadoop.fs.Path("/mnist/" + name + ".gz"));
        }
        Path zip = DIR.resolve("spark-jars.zip");
        Process jar = new ProcessBuilder(sparkJarsArchiveCommand(zip, StandaloneCluster.sparkHome().resolve("jars")))
                .inheritIO().start();
        assertEquals(0, jar.waitFor(), "jar --create");
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(zip.toString()),
                new org.apache.hadoop.fs.Path("/apps/spark/spark-jars-4.2.0.zip"));
        archive = yarn.hdfsUri() + "/apps/spark/spark-jars-4.2.0.zip";
        localModel = DIR.resolve("models/local");
        List<String> args = new ArrayList<>(List.of("train", "--data", mnist, "--master", "local[2]",
                "--model-out", localModel.toString()));
        args.addAll(List.of(RECIPE));
        CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        localMeta = new ObjectMapper().readTree(localModel.resolve("model.json").toFile());
    }

    @AfterAll
    static void stopEverything() {
        if (yarn != null) {
            Set<Long> pids = new HashSet<>(yarn.pidsSeen());
            yarn.close(); // fails if a container JVM outlived YARN
            assertEquals(List.of(), StandaloneCluster.alive(pids), "container PIDs alive after teardown");
            System.out.println("yarn test: after teardown none of the container PIDs " + pids + " is alive");
        }
    }

    @Test
    @Order(1)
    void trainsInClusterDeployModeFromHdfsToHdfsWithLocalWeights() throws Exception {
        hdfsModel = yarn.hdfsUri() + "/models/yarn-cluster";
        Path log = DIR.resolve("train-cluster-mode.log");
        Process p = start(submitCommand("train", "cluster", "--name", "shallownet-yarn-test", "--queue", "default",
                "--data", yarn.hdfsUri() + "/mnist", "--model-out", hdfsModel), log);
        int exit = ClusterIT.finish(p, 900, "train in cluster deploy mode");
        String client = Files.readString(log, StandardCharsets.UTF_8);
        String app = applicationId(client);
        String driver = yarn.containerOutput(app);
        assertEquals(0, exit, client + driver);
        assertTrue(client.contains("final status: SUCCEEDED"), client);

        FileSystem fs = yarn.fs();
        JsonNode meta = new ObjectMapper().readTree(ClusterIT.read(fs, hdfsModel + "/model.json"));
        assertEquals("yarn", meta.at("/training/master").asText());
        assertEquals(app, meta.at("/training/spark_application_id").asText(), "the YARN application id is recorded");
        assertEquals("1", meta.at("/training/spark_application_attempt").asText());
        assertTrue(driver.contains("(yarn, application " + app + " attempt 1)"), driver);
        ClusterIT.compareWeights(ClusterIT.read(fs, hdfsModel + "/weights.bin"),
                Files.readAllBytes(localModel.resolve("weights.bin")), "YARN cluster mode vs local[2]");
        System.out.printf("yarn test: train in cluster deploy mode (%s): step median %.2f ms vs %.2f ms in local[2]; "
                        + "training %.1f s%n", app, meta.at("/metrics/step_median_ms").asDouble(),
                localMeta.at("/metrics/step_median_ms").asDouble(), meta.at("/metrics/seconds_training").asDouble());
    }

    @Test
    @Order(2)
    void survivesAnExecutorContainerKilledMidEpoch() throws Exception {
        // A path without a scheme is on the cluster's default file system, HDFS here.
        String model = "/models/executor-killed";
        Path log = DIR.resolve("executor-killed.log");
        Process p = start(submitCommand("train", "client", "--conf", "spark.yarn.archive=" + archive,
                "--data", "/mnist", "--model-out", model), log);
        try {
            ClusterIT.waitFor(p, log, "shallownet: initial ", 600);
            String app = applicationId(Files.readString(log, StandardCharsets.UTF_8));
            Set<Long> before = new HashSet<>();
            for (int i = 0; i < 600 && before.size() < 2; i++) {
                before = new HashSet<>(yarn.containerPids(YarnCluster.EXECUTOR, app));
                Thread.sleep(100);
            }
            assertEquals(2, before.size(), "two executor containers: " + before);
            Thread.sleep(5_000);
            assertTrue(p.isAlive(), "training still running");
            assertFalse(Files.readString(log).contains("epoch   1/1"), "the kill must land mid-epoch");
            long victim = before.iterator().next();
            long killedAt = System.nanoTime();
            assertTrue(ProcessHandle.of(victim).orElseThrow().destroyForcibly(), "SIGKILL sent to " + victim);
            Long replacement = null;
            while (replacement == null && p.isAlive() && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(180)) {
                for (long pid : yarn.containerPids(YarnCluster.EXECUTOR, app)) {
                    if (!before.contains(pid)) {
                        replacement = pid;
                    }
                }
                Thread.sleep(100);
            }
            double relaunch = (System.nanoTime() - killedAt) / 1e9;
            int exit = ClusterIT.finish(p, 900, "train with an executor killed");
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, exit, out);
            assertTrue(out.contains("epoch   1/1"), out);
            assertTrue(out.contains("Lost executor") || out.contains("lost executor"), out);
            ClusterIT.compareWeights(ClusterIT.read(yarn.fs(), yarn.hdfsUri() + model + "/weights.bin"),
                    Files.readAllBytes(localModel.resolve("weights.bin")), "YARN, executor killed vs local[2]");
            System.out.printf("yarn test: executor container PID %d killed mid-epoch (client deploy mode); "
                    + "replacement %s%n", victim, replacement == null ? "not needed before the end"
                    : "PID " + replacement + " up " + String.format("%.1f", relaunch) + " s later");
        } finally {
            kill(p);
        }
    }

    /**
     * The driver (the ApplicationMaster in cluster deploy mode) killed with SIGKILL after a
     * checkpoint: YARN starts a second attempt, which finds the first attempt's lock, takes it
     * over at once (not after --lock-timeout), resumes from the checkpoint on HDFS, and promotes
     * the same bits as an uninterrupted run, once.
     */
    @Test
    @Order(3)
    void aKilledDriverIsRestartedByYarnAndRetrainResumesToTheSameBits() throws Exception {
        // The uninterrupted reference: the same retrain in local[2], into a store of its own.
        Path localStore = DIR.resolve("stores/local");
        List<String> ref = new ArrayList<>(List.of("retrain", "--store", localStore.toString(), "--data",
                RealMnist.dir(), "--master", "local[2]", "--checkpoint-every", "100", "--quiet"));
        ref.addAll(List.of(RECIPE));
        CliRunner.Outcome r = CliRunner.run(ref.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());

        String store = yarn.hdfsUri() + "/stores/yarn";
        Path log = DIR.resolve("driver-killed.log");
        Process p = start(submitCommand("retrain", "cluster", "--conf", "spark.yarn.archive=" + archive,
                "--conf", "spark.yarn.maxAppAttempts=2",
                "--store", store, "--data", yarn.hdfsUri() + "/mnist", "--checkpoint-every", "100",
                "--lock-timeout", "600"), log);
        FileSystem fs = yarn.fs();
        try {
            String app = waitForApplicationId(p, log);
            // Kill the driver once the first attempt has written a checkpoint, mid-epoch.
            org.apache.hadoop.fs.Path runs = new org.apache.hadoop.fs.Path(store + "/runs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            String checkpoint = null;
            while (checkpoint == null) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "no checkpoint from attempt 1:\n"
                        + Files.readString(log) + yarn.containerOutput(app));
                checkpoint = firstCheckpoint(fs, runs);
                Thread.sleep(200);
            }
            List<Long> drivers = yarn.containerPids(YarnCluster.APPLICATION_MASTER, app);
            assertEquals(1, drivers.size(), "one driver (ApplicationMaster) JVM of " + app + ": " + drivers);
            long killedAt = System.nanoTime();
            assertTrue(ProcessHandle.of(drivers.get(0)).orElseThrow().destroyForcibly(), "SIGKILL to the driver");
            // The second attempt logs this just before its first step.
            double recovery = -1;
            while (p.isAlive() && System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(600)) {
                if (yarn.containerOutput(app).contains("resuming from the checkpoint")) {
                    recovery = (System.nanoTime() - killedAt) / 1e9;
                    break;
                }
                Thread.sleep(100);
            }
            int exit = ClusterIT.finish(p, 900, "retrain with the driver killed");
            String client = Files.readString(log, StandardCharsets.UTF_8);
            String driver = yarn.containerOutput(app);
            assertEquals(0, exit, client + driver);
            assertTrue(recovery > 0, "the second attempt resumed: " + driver);
            assertTrue(client.contains("final status: SUCCEEDED"), client);
            assertTrue(driver.contains("took over the store's lock from a dead run: run "), driver);
            assertTrue(driver.contains("attempt 1 of " + app), driver);
            assertTrue(driver.contains("resuming from the checkpoint after step " + checkpoint), driver);

            ClusterIT.compareWeights(ClusterIT.read(fs, store + "/versions/000001/weights.bin"),
                    Files.readAllBytes(localStore.resolve("versions/000001/weights.bin")),
                    "YARN driver killed, resumed by attempt 2 vs uninterrupted local[2]");
            assertEquals("000001", new String(ClusterIT.read(fs, store + "/CURRENT"), StandardCharsets.UTF_8).trim());
            assertEquals(1, lines(ClusterIT.read(fs, store + "/promotions.jsonl")).size(), "promoted once");
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(store + "/versions/000002")), "one version");
            List<String> history = lines(ClusterIT.read(fs, store + "/history.jsonl"));
            JsonNode last = new ObjectMapper().readTree(history.get(history.size() - 1));
            assertEquals(app, last.path("spark_application_id").asText(), history.toString());
            assertEquals("2", last.path("spark_application_attempt").asText(), history.toString());
            assertEquals("promoted", last.path("status").asText(), history.toString());
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(store + "/LOCK")), "the lock was released");
            System.out.printf("yarn test: driver (ApplicationMaster) of %s killed after checkpoint %s; attempt 2 took "
                    + "over the lock and resumed %.1f s after the kill (--lock-timeout 600 s); weights bitwise equal to "
                    + "the uninterrupted run, promoted once%n", app, checkpoint, recovery);
        } finally {
            kill(p);
        }
    }

    @Test
    @Order(4)
    void evaluatesOnYarnReadingTheModelBackFromHdfs() throws Exception {
        assertNotNull(hdfsModel, "the cluster-mode model of the first test");
        Path log = DIR.resolve("evaluate.log");
        int exit = ClusterIT.finish(start(submitCommand("evaluate", "client", "--conf", "spark.yarn.archive=" + archive,
                "--model", hdfsModel, "--data",
                yarn.hdfsUri() + "/mnist"), log), 600, "evaluate on YARN");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        double testError = localMeta.at("/metrics/test_error_pct").asDouble();
        assertTrue(out.contains(String.format("error %.2f %%", testError)), out);
        System.out.println("yarn test: evaluate on YARN (" + applicationId(out) + ") read the model back from HDFS: "
                + "test error " + testError + " %");
    }

    /**
     * In cluster deploy mode the job's exit code reaches the scheduler as YARN's final status:
     * submit.sh exits 1 for a failed application, and YARN's diagnostics (which submit.sh prints)
     * carry the job's code.
     */
    @Test
    @Order(5)
    void aFailureInClusterDeployModeIsAFailedApplicationWithTheJobsExitCode() throws Exception {
        Path log = DIR.resolve("bad-input-cluster-mode.log");
        int exit = ClusterIT.finish(start(submitCommand("evaluate", "cluster", "--conf", "spark.yarn.archive=" + archive,
                "--conf", "spark.yarn.maxAppAttempts=1",
                "--model", yarn.hdfsUri() + "/models/no-such-model", "--data", yarn.hdfsUri() + "/mnist"), log),
                600, "evaluate a missing model in cluster deploy mode");
        String client = Files.readString(log, StandardCharsets.UTF_8);
        String app = applicationId(client);
        assertEquals(1, exit, client);
        assertTrue(client.contains("final status: FAILED"), client);
        assertTrue(client.contains("User application exited with status 2"), client);
        String driver = yarn.containerOutput(app);
        assertTrue(driver.contains("error: " + yarn.hdfsUri() + "/models/no-such-model"), driver);
        System.out.println("yarn test: a missing --model in cluster deploy mode: submit.sh exit " + exit
                + ", YARN: final status FAILED, 'User application exited with status 2'");
    }

    /**
     * The command of docs/cluster.md ("YARN") that packs Spark's jars into one archive for
     * {@code spark.yarn.archive}, as written there, with this JDK's {@code jar} and the given paths
     * in place of {@code target/spark-jars.zip} and {@code target/spark-home/jars}.
     */
    static List<String> sparkJarsArchiveCommand(Path zip, Path jars) {
        String line = Docs.commandLine("docs/cluster.md", "YARN", "jar --create");
        List<String> cmd = new ArrayList<>();
        for (String word : line.replaceFirst("\\s+#.*", "").strip().split("\\s+")) {
            cmd.add(switch (word) {
                case "jar" -> Path.of(System.getProperty("java.home"), "bin", "jar").toString();
                case "target/spark-jars.zip" -> zip.toString();
                case "target/spark-home/jars" -> jars.toString();
                default -> word;
            });
        }
        assertTrue(cmd.contains(zip.toString()) && cmd.contains(jars.toString()),
                "docs/cluster.md's archive command no longer names target/spark-jars.zip and target/spark-home/jars: " + line);
        return cmd;
    }

    /** {@code ./submit.sh COMMAND --master yarn --deploy-mode MODE [resources] [recipe] ARGS}, as a user types it. */
    private static List<String> submitCommand(String command, String deployMode, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString(),
                command, "--master", "yarn", "--deploy-mode", deployMode, "--driver-memory", "1g",
                "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "1g"));
        // One machine: the driver and executors talk over loopback, as on the standalone test cluster.
        cmd.addAll(List.of("--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1"));
        if (!command.equals("evaluate")) {
            cmd.addAll(List.of(RECIPE));
        } else {
            cmd.addAll(List.of("--partitions", "2"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = new HashMap<>(yarn.env());
        env.put("SHALLOWNET_JAR", appJar.toString());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static String applicationId(String log) {
        Matcher m = APP_ID.matcher(log);
        assertTrue(m.find(), "no YARN application id in:\n" + log);
        return m.group();
    }

    private static String waitForApplicationId(Process p, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (true) {
            Matcher m = APP_ID.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group();
            }
            assertTrue(p.isAlive() && System.nanoTime() < end, "no application id:\n" + Files.readString(log));
            Thread.sleep(100);
        }
    }

    /** The steps done at the first complete checkpoint under {@code STORE/runs}, or null. */
    private static String firstCheckpoint(FileSystem fs, org.apache.hadoop.fs.Path runs) throws IOException {
        if (!fs.exists(runs)) {
            return null;
        }
        for (FileStatus run : fs.listStatus(runs)) {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(run.getPath(), "checkpoints");
            if (fs.exists(dir)) {
                for (FileStatus c : fs.listStatus(dir)) {
                    if (c.getPath().getName().matches("step-\\d+")) {
                        return String.valueOf(Integer.parseInt(c.getPath().getName().substring(5)));
                    }
                }
            }
        }
        return null;
    }

    private static List<String> lines(byte[] text) {
        return new String(text, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
}
