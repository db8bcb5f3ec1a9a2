package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.train.EpochMetrics;
import shallownet.train.TrainingState;

/**
 * The store on a real HDFS (MiniDFSCluster in this JVM): the paths that differ from the local
 * file system are the replacement of CURRENT (FileContext rename with OVERWRITE), the exclusive
 * create of the lock and its heartbeat (setTimes), and directory renames of versions and checkpoints.
 */
class ModelStoreHdfsIT {

    private static final NetworkShape SHAPE = new NetworkShape(16, 4, 3);

    @TempDir
    static Path dir;

    private static MiniDFSCluster hdfs;
    private static Configuration conf;

    @BeforeAll
    static void startHdfs() throws Exception {
        conf = new Configuration();
        hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(1).build();
        hdfs.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    private static String url(String path) {
        return hdfs.getURI() + path;
    }

    @Test
    void versionsPromotionsLockAndCheckpointsOnHdfs() throws Exception {
        ModelStore s = ModelStore.at(conf, url("/stores/a"));
        FileSystem fs = hdfs.getFileSystem();
        ObjectNode meta = ModelFiles.json().createObjectNode();
        meta.putObject("store").put("run_id", "r1");
        assertEquals(1, s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), meta));
        assertEquals(2, s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 2), meta));
        try (StoreLock lock = s.lock().runId("r1").acquire()) {
            StoreLockedException held = assertThrows(StoreLockedException.class, () -> s.lock().runId("r2").acquire());
            assertTrue(held.held(), "another run holds the lock");
            s.promote(lock, 1, "promote", "first");
            s.promote(lock, 2, "promote", "second"); // replaces an existing CURRENT
        }
        assertEquals(Optional.of(2), s.champion());
        assertEquals("000002\n", new String(StoreFiles.readBytes(fs, new org.apache.hadoop.fs.Path("/stores/a/CURRENT")),
                java.nio.charset.StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        for (FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path("/stores/a"))) {
            names.add(st.getPath().getName());
        }
        assertEquals(List.of("CURRENT", "promotions.jsonl", "versions"), names.stream().sorted().toList(),
                "no temporary file and no lock left");
        assertArrayEquals(WeightInit.initShallow(SHAPE, 2), s.load(2).params());

        RunCheckpoints run = s.run("r1", "key");
        float[] params = WeightInit.initShallow(SHAPE, 3);
        for (long step = 10; step <= 30; step += 10) {
            run.write(new TrainingState(1, (int) step, step, params, null, Double.NaN, 0, null, 0,
                    List.of(new EpochMetrics(0, 0.2, 90, 0.2, 90, 1, 1)), 2.5, 1.5));
        }
        TrainingState back = run.latest(m -> { }).orElseThrow();
        assertEquals(30, back.stepsDone());
        assertArrayEquals(params, back.params());
        assertEquals(RunCheckpoints.KEEP, run.stepDirs().size());
    }

    @Test
    void ofManyAcquirersOnHdfsExactlyOneGetsTheLockAlsoWhenTakingOverAStaleOne() throws Exception {
        ModelStore s = ModelStore.at(conf, url("/stores/race"));
        LockRace.assertExactlyOneWinsEachRound(s, 8, 10, java.time.Duration.ofSeconds(60), () -> { });
        FileSystem fs = hdfs.getFileSystem();
        org.apache.hadoop.fs.Path lock = new org.apache.hadoop.fs.Path("/stores/race/LOCK");
        LockRace.assertExactlyOneWinsEachRound(s, 8, 10, java.time.Duration.ofSeconds(60), () -> {
            try (var out = fs.create(lock, false)) {
                out.write(("{\"host\":\"elsewhere\",\"pid\":1,\"run_id\":\"gone\",\"token\":\""
                        + java.util.UUID.randomUUID() + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            fs.setTimes(lock, System.currentTimeMillis() - 120_000, -1);
        });
        List<String> left = new ArrayList<>();
        for (FileStatus st : fs.listStatus(new org.apache.hadoop.fs.Path("/stores/race"))) {
            left.add(st.getPath().getName());
        }
        assertEquals(List.of(), left, "no lock and no takeover claim left");
    }

    @Test
    void aStaleLockOnHdfsIsTakenOverAfterTheTimeout() throws Exception {
        ModelStore s = ModelStore.at(conf, url("/stores/b"));
        FileSystem fs = hdfs.getFileSystem();
        org.apache.hadoop.fs.Path lock = new org.apache.hadoop.fs.Path("/stores/b/LOCK");
        try (var out = fs.create(lock, false)) {
            out.write("{\"host\":\"elsewhere\",\"pid\":1,\"run_id\":\"gone\",\"token\":\"t\"}".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        fs.setTimes(lock, System.currentTimeMillis() - 120_000, -1);
        try (StoreLock taken = s.lock().runId("new").timeout(java.time.Duration.ofSeconds(60)).acquire()) {
            assertEquals("new", taken.owner().path("run_id").asText());
        }
    }
}
