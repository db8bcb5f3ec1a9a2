package shallownet.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster for tests: a Master and Workers as separate JVMs on 127.0.0.1,
 * started and stopped by the project's own {@code src/main/sh/cluster.sh} (the script behind
 * {@code ./submit.sh cluster start|stop}), so tests and users run the same thing. Spark's jars are
 * {@code target/spark-home/jars} (Maven copies them there before the tests).
 *
 * <p>Teardown is by PID: {@link #close()} runs {@code cluster.sh stop}, then kills by PID whatever
 * of the daemons and every executor JVM seen is still alive, and fails if anything survived. A JVM
 * shutdown hook does the same if the test JVM ends without closing the fixture.
 */
public final class StandaloneCluster implements AutoCloseable {

    private static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    private final Path dir;
    private final String masterUrl;
    private final Map<String, Long> daemons;
    private final Set<Long> seen = new ConcurrentSkipListSet<>();
    private final Thread hook;
    private boolean closed;

    private StandaloneCluster(Path dir, String masterUrl, Map<String, Long> daemons, Thread hook) {
        this.dir = dir;
        this.masterUrl = masterUrl;
        this.daemons = daemons;
        this.hook = hook;
        seen.addAll(daemons.values());
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("shallownet.project.dir", ".")).toAbsolutePath().normalize();
    }

    public static Path sparkHome() {
        return projectDir().resolve("target/spark-home");
    }

    /**
     * A SPARK_HOME laid out like Spark's distribution, {@code bin/spark-submit} and {@code jars/}
     * (a link to {@link #sparkHome()}'s), in {@code dir}. Its {@code bin/spark-submit} (a test
     * resource) runs Spark's launcher as {@code bin/spark-class} does and records its arguments in
     * {@code spark-submit-args.txt} and the command it ran in {@code spark-submit-command.txt}.
     */
    public static Path sparkHomeWithBin(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Path script = dir.resolve("bin/spark-submit");
        try (var in = StandaloneCluster.class.getResourceAsStream("spark-submit")) {
            Files.copy(java.util.Objects.requireNonNull(in, "test resource spark-submit"), script,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        script.toFile().setExecutable(true);
        Path jars = dir.resolve("jars");
        Files.deleteIfExists(jars);
        Files.createSymbolicLink(jars, sparkHome().resolve("jars").toAbsolutePath());
        return dir;
    }

    /**
     * Starts a secured Master and {@code workers} Workers (1 core, 1 GB each) with their files in
     * {@code dir}: cluster.sh's default, authentication with a secret of its own and encryption.
     */
    public static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
        return start(dir, workers, true);
    }

    /** As {@link #start(Path, int)}; {@code secured} false starts it with {@code --insecure}. */
    public static StandaloneCluster start(Path dir, int workers, boolean secured)
            throws IOException, InterruptedException {
        return start(dir, workers, 1, "1g", secured);
    }

    /** A Master and {@code workers} Workers of {@code cores} cores and {@code memory} each. */
    public static StandaloneCluster start(Path dir, int workers, int cores, String memory, boolean secured)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        // Registered before anything starts: if the JVM dies during start, the hook still stops it.
        Thread hook = new Thread(() -> stopQuietly(dir), "standalone-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> args = new ArrayList<>(List.of("start", "--dir", dir.toString(), "--workers",
                String.valueOf(workers), "--worker-cores", String.valueOf(cores), "--worker-memory", memory));
        if (!secured) {
            args.add("--insecure");
        }
        Script.Result r = script(dir, args.toArray(String[]::new));
        Map<String, Long> daemons = readPids(dir);
        if (r.exitCode() != 0) {
            stopQuietly(dir);
            killAll(daemons.values());
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new IllegalStateException("cluster.sh start failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        String url = Files.readString(dir.resolve("master-url"), StandardCharsets.UTF_8).trim();
        return new StandaloneCluster(dir, url, daemons, hook);
    }

    public String masterUrl() {
        return masterUrl;
    }

    public Path dir() {
        return dir;
    }

    /** The file cluster.sh wrote the cluster's security settings to (absent if started --insecure). */
    public Path securityConf() {
        return dir.resolve("spark-security.conf");
    }

    /** The cluster's secret (cluster.sh start made it; mode 600). */
    public String secret() throws IOException {
        return Files.readString(dir.resolve("secret"), StandardCharsets.UTF_8).strip();
    }

    /**
     * The settings a driver of this cluster needs (spark.authenticate, the secret, encryption),
     * from its spark-security.conf; none for a cluster started with {@code --insecure}.
     */
    public Map<String, String> securitySettings() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        if (Files.isRegularFile(securityConf())) {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newInputStream(securityConf())) {
                p.load(in);
            }
            for (String key : p.stringPropertyNames()) {
                settings.put(key, p.getProperty(key).trim());
            }
        }
        return settings;
    }

    /** The Master's and Workers' PIDs. */
    public Map<String, Long> daemonPids() {
        return daemons;
    }

    /** PIDs of the executor JVMs the Workers run now (each remembered for teardown). */
    public List<Long> executorPids() {
        List<Long> pids = new ArrayList<>();
        for (long pid : workerChildren()) {
            if (commandLine(pid).contains(EXECUTOR_CLASS)) {
                pids.add(pid);
            }
        }
        return pids;
    }

    /** The Spark JVMs the Workers run now: executors, and drivers in cluster deploy mode (remembered). */
    private List<Long> workerChildren() {
        List<Long> pids = new ArrayList<>();
        for (Map.Entry<String, Long> d : daemons.entrySet()) {
            if (d.getKey().startsWith("worker")) {
                ProcessHandle.of(d.getValue()).ifPresent(w -> w.children()
                        .filter(c -> c.isAlive() && commandLine(c.pid()).contains("org.apache.spark."))
                        .forEach(c -> pids.add(c.pid())));
            }
        }
        seen.addAll(pids);
        return pids;
    }

    /** Every PID this fixture started or saw: the daemons and the Workers' JVMs listed so far. */
    public Set<Long> pidsSeen() {
        return Set.copyOf(seen);
    }

    /** Stops the cluster by PID; throws if a daemon or executor outlived the stop script. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        workerChildren();
        Script.Result r;
        List<Long> survivors;
        try {
            r = script(dir, "stop", "--dir", dir.toString());
        } finally {
            survivors = alive(seen);
            killAll(survivors);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // already running
        }
        if (!survivors.isEmpty() || r.exitCode() != 0) {
            throw new IllegalStateException("cluster.sh stop (exit " + r.exitCode() + ") left PIDs " + survivors
                    + " running (killed now):\n" + r.output());
        }
    }

    /** The PIDs among {@code pids} that still run a Spark JVM (a reused PID runs something else). */
    public static List<Long> alive(Set<Long> pids) {
        List<Long> alive = new ArrayList<>();
        for (long pid : pids) {
            if (isSparkJvm(pid)) {
                alive.add(pid);
            }
        }
        return alive;
    }

    private static boolean isSparkJvm(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && commandLine(pid).contains("org.apache.spark.");
    }

    private static void killAll(Iterable<Long> pids) {
        for (long pid : pids) {
            if (isSparkJvm(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // reported by the caller's alive() check
                }
            });
        }
    }

    private static void stopQuietly(Path dir) {
        try {
            Map<String, Long> daemons = readPids(dir);
            script(dir, "stop", "--dir", dir.toString());
            killAll(daemons.values());
        } catch (Exception e) {
            System.err.println("standalone cluster in " + dir + ": stop failed: " + e);
        }
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    private static Map<String, Long> readPids(Path dir) throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        Path file = dir.resolve("pids");
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2) {
                    pids.put(f[0], Long.parseLong(f[1]));
                }
            }
        }
        return pids;
    }

    private static Script.Result script(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", projectDir().resolve("src/main/sh/cluster.sh").toString()));
        cmd.addAll(List.of(args));
        try {
            return Script.run(cmd, Map.of("SPARK_HOME", sparkHome().toString()), dir.resolve("cluster-sh.log"), 400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + cmd, e);
        }
    }
}
