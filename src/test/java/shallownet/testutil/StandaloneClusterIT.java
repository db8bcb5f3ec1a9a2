package shallownet.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** The cluster fixture leaves no process behind, even when the test using it fails. */
class StandaloneClusterIT {

    @Test
    void aTestFailingWhileTheClusterRunsAnExecutorLeavesNoProcessBehind() throws Exception {
        Path dir = StandaloneCluster.projectDir().resolve("target/cluster-teardown-test");
        Set<Long> pids = new HashSet<>();
        JavaSparkContext[] sc = new JavaSparkContext[1];
        try {
            AssertionError failure = assertThrows(AssertionError.class, () -> {
                try (StandaloneCluster cluster = StandaloneCluster.start(dir, 1)) {
                    pids.addAll(cluster.daemonPids().values());
                    // An application, so that the Worker runs an executor JVM when the test fails.
                    // The cluster is secured: the driver needs its secret (spark-security.conf).
                    SparkConf conf = new SparkConf().setMaster(cluster.masterUrl())
                            .setAppName("teardown-test").set("spark.driver.host", "127.0.0.1")
                            .set("spark.driver.bindAddress", "127.0.0.1").set("spark.ui.enabled", "false")
                            .set("spark.executor.memory", "512m");
                    cluster.securitySettings().forEach(conf::set);
                    sc[0] = new JavaSparkContext(conf);
                    assertEquals(3, sc[0].parallelize(List.of(1, 2, 3), 2).count());
                    List<Long> executors = cluster.executorPids();
                    assertEquals(1, executors.size(), "one executor on the one Worker");
                    pids.addAll(executors);
                    fail("a failing test, with the Master, a Worker and an executor running");
                }
            });
            assertTrue(failure.getMessage().startsWith("a failing test"), failure.getMessage());
            // Nothing suppressed: cluster.sh stop alone ended every process (close() would throw otherwise).
            assertEquals(0, failure.getSuppressed().length, () -> String.valueOf(List.of(failure.getSuppressed())));
        } finally {
            if (sc[0] != null) {
                sc[0].stop();
            }
        }
        assertEquals(3, pids.size(), "Master, Worker and executor PIDs: " + pids);
        assertEquals(List.of(), StandaloneCluster.alive(pids), "alive after the fixture closed");
    }
}
