package shallownet.testutil;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN cluster on this machine for tests, built as Spark's own YARN suite builds its:
 * Hadoop's {@code MiniYARNCluster} (a ResourceManager and NodeManagers in this JVM, the
 * NodeManagers launching every container as a separate JVM through {@code launch_container.sh})
 * and a {@code MiniDFSCluster} beside it as the default file system. Jobs reach it as a user's do:
 * {@code ./submit.sh ... --master yarn} with {@code HADOOP_CONF_DIR} pointing at the
 * {@code core-site.xml} and {@code yarn-site.xml} written here ({@link #env()}).
 *
 * <p>Teardown is by PID, as for the standalone cluster: {@link #close()} stops YARN and HDFS and
 * fails if a container JVM it saw (or any that names one of its applications) is still alive.
 */
public final class YarnCluster implements AutoCloseable {

    /** What identifies the JVMs YARN starts for Spark: the driver in cluster mode is the AM. */
    public static final String APPLICATION_MASTER = "org.apache.spark.deploy.yarn.ApplicationMaster";
    public static final String EXECUTOR = "org.apache.spark.executor.YarnCoarseGrainedExecutorBackend";

    private final Path dir;
    private final Path confDir;
    private final MiniDFSCluster hdfs;
    private final MiniYARNCluster yarn;
    private final int nodeManagers;
    private final Set<Long> seen = new ConcurrentSkipListSet<>();
    private boolean closed;

    private YarnCluster(Path dir, Path confDir, MiniDFSCluster hdfs, MiniYARNCluster yarn, int nodeManagers) {
        this.nodeManagers = nodeManagers;
        this.dir = dir;
        this.confDir = confDir;
        this.hdfs = hdfs;
        this.yarn = yarn;
    }

    /** HDFS with one DataNode and YARN with {@code nodeManagers} NodeManagers, files under {@code dir}. */
    public static YarnCluster start(Path dir, int nodeManagers) throws Exception {
        Files.createDirectories(dir);
        Configuration hdfsConf = new Configuration();
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(hdfsConf, dir.resolve("hdfs").toFile()).numDataNodes(1).build();
        MiniYARNCluster yarn = null;
        try {
            hdfs.waitActive();
            YarnConfiguration conf = new YarnConfiguration();
            conf.set("fs.defaultFS", hdfs.getURI().toString());
            // As Spark's BaseYarnClusterSuite: no disk-space health check (a full disk must not
            // hang the test), and the capacity scheduler's queue, whose capacity-scheduler.xml the
            // shaded minicluster jar lacks.
            conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
            conf.set("yarn.scheduler.capacity.root.queues", "default");
            conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
            conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
            conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
            conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
            conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
            conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
            conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
            // Each NodeManager offers 2 vcores and 3 GB: room for the AM (the driver in cluster
            // mode) and one 1 GB executor each, as on two small worker machines.
            conf.setInt("yarn.nodemanager.resource.memory-mb", 3072);
            conf.setInt("yarn.nodemanager.resource.cpu-vcores", 2);
            conf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
            conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
            conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
            conf.setInt("yarn.resourcemanager.am.max-attempts", 2);
            // Containers run java from $JAVA_HOME, which a real node's hadoop-env.sh sets for its
            // NodeManager; this JVM's environment may lack it, so the node's admin settings give it.
            conf.set("yarn.nodemanager.admin-env", "JAVA_HOME=" + System.getProperty("java.home"));
            // Keep the containers' logs after the application ends, for the tests to read.
            conf.setInt("yarn.nodemanager.delete.debug-delay-sec", 600);
            conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
            conf.set("yarn.nodemanager.hostname", "127.0.0.1");
            yarn = new MiniYARNCluster("yarn-test", nodeManagers, 1, 1);
            yarn.init(conf);
            yarn.start();
            Configuration live = yarn.getConfig();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // MiniYARNCluster may return before the ResourceManager has written its port (as Spark's suite notes).
            while (live.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the ResourceManager did not report its address in 30 s");
                }
                Thread.sleep(100);
            }
            Path confDir = dir.resolve("hadoop-conf");
            Files.createDirectories(confDir);
            Configuration core = new Configuration(false);
            core.set("fs.defaultFS", hdfs.getURI().toString());
            write(core, confDir.resolve("core-site.xml"));
            write(live, confDir.resolve("yarn-site.xml"));
            if (!yarn.waitForNodeManagersToConnect(30_000)) {
                throw new IllegalStateException("the NodeManagers did not register in 30 s");
            }
            return new YarnCluster(dir, confDir, hdfs, yarn, nodeManagers);
        } catch (Exception | Error e) {
            if (yarn != null) {
                yarn.stop();
            }
            hdfs.shutdown();
            throw e;
        }
    }

    private static void write(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }

    /** The environment a user's shell has on a gateway machine: where the cluster's configuration is. */
    public Map<String, String> env() {
        return Map.of("HADOOP_CONF_DIR", confDir.toString(), "YARN_CONF_DIR", confDir.toString());
    }

    public Path confDir() {
        return confDir;
    }

    public Path dir() {
        return dir;
    }

    public String hdfsUri() {
        return hdfs.getURI().toString();
    }

    public FileSystem fs() throws IOException {
        return hdfs.getFileSystem();
    }

    public Configuration yarnConfig() {
        return yarn.getConfig();
    }

    /** Where the NodeManagers keep the containers' logs (stdout, stderr per container). */
    public List<Path> containerLogs(String applicationId) throws IOException {
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < nodeManagers; i++) {
            for (String d : yarn.getNodeManager(i).getConfig().getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS)) {
                Path app = Path.of(d.replaceFirst("^file:", "")).resolve(applicationId);
                if (Files.isDirectory(app)) {
                    try (Stream<Path> walk = Files.walk(app)) {
                        walk.filter(Files::isRegularFile).forEach(logs::add);
                    }
                }
            }
        }
        return logs;
    }

    /** Everything the containers of {@code applicationId} wrote to stdout and stderr, container by container. */
    public String containerOutput(String applicationId) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path f : containerLogs(applicationId)) {
            sb.append("==== ").append(f).append('\n').append(Files.readString(f, StandardCharsets.UTF_8)).append('\n');
        }
        return sb.toString();
    }

    /** PIDs of the live JVMs YARN runs whose command line has {@code mainClass} (and, if given, {@code appId}). */
    public List<Long> containerPids(String mainClass, String appId) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd = StandaloneCluster.commandLine(p.pid());
            // The JVM itself, not the bash of launch_container.sh whose command line names it too.
            if (!cmd.startsWith("/") || !cmd.split(" ", 2)[0].endsWith("/java")) {
                return;
            }
            // The AM's command line does not name its application; its working directory does
            // (.../appcache/APPLICATION_ID/CONTAINER_ID).
            if (cmd.contains(mainClass) && (appId == null || cmd.contains(appId) || workDir(p.pid()).contains(appId))
                    && p.isAlive()) {
                pids.add(p.pid());
            }
        });
        seen.addAll(pids);
        return pids;
    }

    private static String workDir(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")).toString();
        } catch (IOException | UnsupportedOperationException gone) {
            return "";
        }
    }

    /** Stops YARN (which kills its containers) and HDFS; fails if a container JVM outlived it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        containerPids(APPLICATION_MASTER, null);
        containerPids(EXECUTOR, null);
        try {
            yarn.stop();
        } finally {
            hdfs.shutdown();
        }
        List<Long> survivors = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            survivors.clear();
            for (long pid : seen) {
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                        && StandaloneCluster.commandLine(pid).contains("org.apache.spark.")) {
                    survivors.add(pid);
                }
            }
            survivors.addAll(containerPids(APPLICATION_MASTER, null));
            survivors.addAll(containerPids(EXECUTOR, null));
            if (survivors.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < end);
        survivors.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        throw new IllegalStateException("container JVMs alive 30 s after YARN stopped (killed now): " + survivors);
    }

    /** Every container JVM this fixture saw. */
    public Set<Long> pidsSeen() {
        return Set.copyOf(seen);
    }
}
