package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.train.EpochMetrics;
import shallownet.train.TrainingState;

/** The store on the local file system: versions, champion, promotions, lock, checkpoints. */
class ModelStoreTest {

    private static final NetworkShape SHAPE = new NetworkShape(16, 4, 3);

    @TempDir
    Path tmp;

    private ModelStore store() throws Exception {
        return ModelStore.at(new Configuration(), tmp.resolve("store").toString());
    }

    private static ObjectNode meta(String runId) {
        ObjectNode m = ModelFiles.json().createObjectNode();
        m.putObject("store").put("run_id", runId);
        return m;
    }

    @Test
    void versionsAreNumberedInOrderAndHiddenStagingIsNotAVersion() throws Exception {
        ModelStore s = store();
        assertEquals(1, s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), meta("a")));
        assertEquals(2, s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 2), meta("b")));
        Files.createDirectories(tmp.resolve("store/versions/.000003.tmp-x"));
        List<ModelStore.VersionInfo> v = s.versions();
        assertEquals(2, v.size());
        assertEquals("000002", v.get(1).store().path("version").asText());
        assertEquals("b", s.versionOfRun("b").orElseThrow().store().path("run_id").asText());
        assertArrayEquals(WeightInit.initShallow(SHAPE, 2), s.load(2).params());
    }

    @Test
    void promotionReplacesCurrentAndRecordsThePreviousChampion() throws Exception {
        ModelStore s = store();
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), meta("a"));
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 2), meta("b"));
        assertEquals(Optional.empty(), s.champion());
        try (StoreLock lock = s.lock().runId("t").acquire()) {
            s.promote(lock, 1, "promote", "first");
            ObjectNode p = s.promote(lock, 2, "promote", "second");
            assertEquals("000001", p.path("previous").asText());
        }
        assertEquals("000002\n", Files.readString(tmp.resolve("store/CURRENT")));
        assertEquals(Optional.of(2), s.champion());
        assertEquals(2, s.promotions().size());
        assertEquals("second", s.promotions().get(1).path("reason").asText());
        // No temporary file is left beside CURRENT, and no lock after release.
        try (var files = Files.list(tmp.resolve("store"))) {
            assertEquals(List.of("CURRENT", "promotions.jsonl", "versions"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void leftoversOfKilledWritersAreRemovedUnderTheLock() throws Exception {
        ModelStore s = store();
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), meta("a"));
        Files.createDirectories(tmp.resolve("store/versions/.000002.tmp-dead"));
        Files.writeString(tmp.resolve("store/CURRENT.tmp-dead"), "0000");
        Files.writeString(tmp.resolve("store/history.jsonl.tmp-dead"), "{");
        try (StoreLock lock = s.lock().runId("t").acquire()) {
            assertEquals(3, s.removeLeftovers(lock));
        }
        assertEquals(Map.of("versions", "dir", "versions/000001", "dir"), dirsOnly(tmp.resolve("store")));
    }

    private static Map<String, String> dirsOnly(Path root) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var s = Files.walk(root)) {
            s.filter(p -> !p.equals(root) && Files.isDirectory(p)).forEach(p -> out.put(root.relativize(p).toString(), "dir"));
        }
        try (var s = Files.list(root)) {
            assertEquals(List.of("versions"), s.map(p -> p.getFileName().toString()).toList());
        }
        return out;
    }

    @Test
    void withoutCurrentTheLastPromotionIsTheChampion() throws Exception {
        ModelStore s = store();
        s.addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1), meta("a"));
        try (StoreLock lock = s.lock().runId("t").acquire()) {
            s.promote(lock, 1, "promote", "first");
        }
        Files.delete(tmp.resolve("store/CURRENT"));
        assertEquals(Optional.of(1), s.champion());
    }

    @Test
    void aLiveLockStopsASecondHolderWithExitCode4NamingTheHolder() throws Exception {
        ModelStore s = store();
        try (StoreLock first = s.lock().runId("run-one").acquire()) {
            StoreLockedException f = assertThrows(StoreLockedException.class, () -> s.lock().runId("run-two").acquire());
            assertTrue(f.held(), "another run holds the lock");
            assertTrue(f.getMessage().contains("run-one"), f.getMessage());
            assertTrue(f.getMessage().contains("pid " + ProcessHandle.current().pid()), f.getMessage());
        }
        // Released: the next one gets it.
        s.lock().runId("run-two").acquire().close();
    }

    @Test
    void ofManyAcquirersStartedTogetherExactlyOneGetsTheLock() throws Exception {
        assertExactlyOneWinsEachRound(false);
    }

    @Test
    void ofManyAcquirersTakingOverADeadRunsLockExactlyOneGetsIt() throws Exception {
        assertExactlyOneWinsEachRound(true);
    }

    /** Rounds of 8 threads acquiring at once, on a free store or one whose lock a dead process left. */
    private void assertExactlyOneWinsEachRound(boolean deadHolder) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        LockRace.assertExactlyOneWinsEachRound(store(), 8, 200, Duration.ofMinutes(10), () -> {
            if (deadHolder) {
                writeLock(gone.pid(), StoreLock.hostName());
            }
        });
    }

    @Test
    void aWaitingHolderGetsTheLockOnceReleased() throws Exception {
        ModelStore s = store();
        StoreLock first = s.lock().runId("run-one").acquire();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300);
                first.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        releaser.start();
        try (StoreLock second = s.lock().runId("run-two").waitFor(Duration.ofSeconds(30)).acquire()) {
            assertEquals("run-two", second.owner().path("run_id").asText());
        }
        releaser.join();
    }

    @Test
    void theHeartbeatKeepsALongRunsLockFromExpiring() throws Exception {
        ModelStore s = store();
        Duration timeout = Duration.ofSeconds(2);
        try (StoreLock held = s.lock().runId("long-run").timeout(timeout).acquire()) {
            // Without a heartbeat the lock would count as dead after 2 s; it beats every 0.5 s.
            Thread.sleep(5_000);
            StoreLockedException f = assertThrows(StoreLockedException.class, () -> s.lock().runId("other").timeout(timeout).acquire());
            assertTrue(f.getMessage().contains("long-run"), f.getMessage());
            held.checkStillHeld();
        }
    }

    @Test
    void theLockOfADeadProcessIsTakenOver() throws Exception {
        ModelStore s = store();
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        writeLock(p.pid(), StoreLock.hostName());
        try (StoreLock lock = s.lock().runId("mine").acquire()) {
            assertEquals("mine", lock.owner().path("run_id").asText());
        }
    }

    /**
     * YARN's second attempt of an application (cluster deploy mode: the driver is the AM) finds
     * the first attempt's lock with a fresh heartbeat, on another host, where no pid can be
     * checked: it is taken over at once, not after the lock timeout. A lock of another
     * application, or of the same attempt, is not.
     */
    @Test
    void aLockOfAnEarlierAttemptOfTheSameYarnApplicationIsTakenOverAtOnce() throws Exception {
        ModelStore s = store();
        String app = "application_1764460000000_0007";
        Path lock = tmp.resolve("store/LOCK");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "{\"host\":\"node-3\",\"pid\":4242,\"run_id\":\"r\",\"command\":\"retrain\","
                + "\"yarn_application\":\"" + app + "\",\"yarn_attempt\":1,\"token\":\"" + java.util.UUID.randomUUID() + "\"}");
        Duration tenMinutes = Duration.ofMinutes(10);
        StoreLockedException other = assertThrows(StoreLockedException.class, () -> s.lock().runId("r").timeout(tenMinutes)
                .yarnAttempt(Optional.of(new YarnAttempt("application_1764460000000_0008", 2))).acquire());
        assertTrue(other.held(), "another run holds the lock");
        assertTrue(other.getMessage().contains("attempt 1 of " + app), other.getMessage());
        assertTrue(assertThrows(StoreLockedException.class, () -> s.lock().runId("r").timeout(tenMinutes)
                .yarnAttempt(Optional.of(new YarnAttempt(app, 1))).acquire()).held());
        assertTrue(assertThrows(StoreLockedException.class, () -> s.lock().runId("r").timeout(tenMinutes)
                .yarnAttempt(Optional.empty()).acquire()).held());

        long t0 = System.nanoTime();
        try (StoreLock taken = s.lock().runId("r").timeout(tenMinutes)
                .yarnAttempt(Optional.of(new YarnAttempt(app, 2))).acquire()) {
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "taken over without waiting");
            assertEquals(2, taken.owner().path("yarn_attempt").asInt());
            assertEquals(app, taken.owner().path("yarn_application").asText());
            assertTrue(taken.tookOverFrom().orElseThrow().contains("attempt 1 of " + app), taken.tookOverFrom().toString());
        }
    }

    @Test
    void aYarnAttemptIsReadFromTheApplicationMastersContainerId() {
        String app = "application_1764460000000_0007";
        assertEquals(Optional.of(new YarnAttempt(app, 2)),
                YarnAttempt.of(app, Map.of("CONTAINER_ID", "container_1764460000000_0007_02_000001")));
        assertEquals(Optional.of(new YarnAttempt(app, 3)),
                YarnAttempt.of(app, Map.of("CONTAINER_ID", "container_e17_1764460000000_0007_03_000001")));
        // Not a YARN driver (client mode, local, standalone), or an id of another application.
        assertEquals(Optional.empty(), YarnAttempt.of(null, Map.of("CONTAINER_ID", "container_1764460000000_0007_02_000001")));
        assertEquals(Optional.empty(), YarnAttempt.of(app, Map.of()));
        assertEquals(Optional.empty(), YarnAttempt.of(app, Map.of("CONTAINER_ID", "container_1764460000000_0009_02_000001")));
        assertFalse(new YarnAttempt(app, 2).supersedes(new YarnAttempt(app, 2)));
        assertTrue(new YarnAttempt(app, 2).supersedes(new YarnAttempt(app, 1)));
    }

    @Test
    void aLockWithAnOldHeartbeatExpiresAfterTheTimeout() throws Exception {
        ModelStore s = store();
        // Another host: its pid cannot be checked, only its heartbeat.
        Path lock = writeLock(1, "some-other-host");
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertTrue(assertThrows(StoreLockedException.class,
                () -> s.lock().runId("mine").timeout(Duration.ofMinutes(10)).acquire()).held());
        try (StoreLock taken = s.lock().runId("mine").timeout(Duration.ofSeconds(30)).acquire()) {
            assertEquals("mine", taken.owner().path("run_id").asText());
        }
    }

    @Test
    void anEmptyLockIsWaitedForBrieflyThenTreatedAsHalfWrittenByItsHeartbeat() throws Exception {
        ModelStore s = store();
        Path lock = tmp.resolve("store/LOCK");
        Files.createDirectories(lock.getParent());
        Files.createFile(lock);   // as left by a process killed between creating and writing it
        long t0 = System.nanoTime();
        StoreLockedException f = assertThrows(StoreLockedException.class, () -> s.lock().runId("mine").acquire());
        double waited = (System.nanoTime() - t0) / 1e9;
        assertTrue(f.held(), "another run holds the lock");
        assertTrue(waited >= 4.5 && waited < 60, "waited " + waited + " s for its creator to write it, then gave up");
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        try (StoreLock taken = s.lock().runId("mine").timeout(Duration.ofSeconds(30)).acquire()) {
            assertEquals("mine", taken.owner().path("run_id").asText(), "its heartbeat expired: taken over");
        }
    }

    private Path writeLock(long pid, String host) throws Exception {
        Path lock = tmp.resolve("store/LOCK");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"run_id\":\"dead\",\"token\":\""
                + java.util.UUID.randomUUID() + "\"}");
        return lock;
    }

    private static TrainingState state(long steps, float value) {
        float[] params = new float[SHAPE.parameterCount()];
        java.util.Arrays.fill(params, value);
        float[] velocity = params.clone();
        velocity[0] = -value;
        // Every field of EpochMetrics set, to values that are not each other's (a field dropped or
        // swapped by the checkpoint's encoding shows), and an epoch without validation or train_s.
        return new TrainingState(2, (int) steps % 7, steps, params, velocity, Double.NaN, 0, null, 0,
                List.of(new EpochMetrics(0, 0.23, 90, 0.24, 91, 1.25, 1.125, 0.2375, 89.5, 0.0625),
                        new EpochMetrics(1, 0.1 / 3, 9.75, 0.0411, 8.5, 7.0001, 5.75, Double.NaN, Double.NaN, Double.NaN)),
                steps * 0.5, steps * 0.25);
    }

    @Test
    void checkpointsReadBackExactlyAndOnlyTheLastTwoAreKept() throws Exception {
        RunCheckpoints run = store().run("r", "key");
        run.write(state(10, 1.5f));
        run.write(state(20, 2.5f));
        run.write(state(30, 3.5f));
        assertEquals(2, run.stepDirs().size());
        TrainingState back = run.latest(m -> { }).orElseThrow();
        assertEquals(30, back.stepsDone());
        assertEquals(30 % 7, back.nextStep());
        assertArrayEquals(state(30, 3.5f).params(), back.params());
        assertArrayEquals(state(30, 3.5f).velocity(), back.velocity());
        assertTrue(Double.isNaN(back.bestLoss()));
        // Every field of every epoch, train_s included (records compare doubles as Double.compare:
        // NaN equals NaN), and the run's clocks that a resumed run continues.
        assertEquals(state(30, 3.5f).history(), back.history());
        assertEquals(0.0625, back.history().get(0).trainSeconds());
        assertEquals(15.0, back.elapsedSeconds());
        assertEquals(7.5, back.trainSeconds());
    }

    @Test
    void aVersion1CheckpointStillResumes() throws Exception {
        // The positional format of earlier releases: 9 numbers an epoch, no train_s, no clocks.
        RunCheckpoints run = store().run("r", "key");
        run.write(state(10, 1.5f));
        Path json = tmp.resolve("store/runs/r/checkpoints/step-00000010/state.json");
        com.fasterxml.jackson.databind.node.ObjectNode j = (com.fasterxml.jackson.databind.node.ObjectNode)
                shallownet.model.ModelFiles.json().readTree(Files.readString(json));
        j.put("format_version", 1);
        j.remove("elapsed_s");
        j.remove("train_s");
        com.fasterxml.jackson.databind.node.ArrayNode h = j.putArray("history");
        h.addArray().add(0).add(0.23).add(90).add(0.24).add(91).add(1.25).add(1.125).add(0.2375).add(89.5);
        Files.writeString(json, j.toString());
        TrainingState back = run.latest(m -> fail(m)).orElseThrow();
        assertEquals(List.of(new EpochMetrics(0, 0.23, 90, 0.24, 91, 1.25, 1.125, 0.2375, 89.5, Double.NaN)),
                back.history());
        assertTrue(Double.isNaN(back.trainSeconds()));
        // A format this program does not know is skipped, with the reason.
        j.put("format_version", 3);
        Files.writeString(json, j.toString());
        List<String> skipped = new java.util.ArrayList<>();
        assertFalse(run.latest(skipped::add).isPresent());
        assertTrue(skipped.get(0).contains("format version 3"), skipped.get(0));
    }

    @Test
    void aHalfWrittenCheckpointIsSkippedForThePreviousOne() throws Exception {
        RunCheckpoints run = store().run("r", "key");
        run.write(state(10, 1.5f));
        run.write(state(20, 2.5f));
        Path bin = tmp.resolve("store/runs/r/checkpoints/step-00000020/state.bin");
        byte[] b = Files.readAllBytes(bin);
        Files.write(bin, java.util.Arrays.copyOf(b, b.length / 2));
        List<String> skipped = new java.util.ArrayList<>();
        assertEquals(10, run.latest(skipped::add).orElseThrow().stepsDone());
        assertEquals(1, skipped.size());
        assertTrue(skipped.get(0).contains("step-00000020"), skipped.get(0));
        // A staging directory left by a killed writer is not a checkpoint either.
        Files.createDirectories(tmp.resolve("store/runs/r/checkpoints/.step-00000030.tmp-x"));
        assertEquals(10, run.latest(m -> { }).orElseThrow().stepsDone());
        // A checkpoint with a bit flipped in its state is not used.
        Path bin10 = tmp.resolve("store/runs/r/checkpoints/step-00000010/state.bin");
        byte[] c = Files.readAllBytes(bin10);
        c[5] ^= 1;
        Files.write(bin10, c);
        assertFalse(run.latest(m -> { }).isPresent());
    }

    @Test
    void checkpointsOfAnotherRecipeUnderTheSameRunIdAreNotResumed() throws Exception {
        store().run("r", "recipe A").write(state(10, 1.5f));
        List<String> skipped = new java.util.ArrayList<>();
        assertFalse(store().run("r", "recipe B").latest(skipped::add).isPresent());
        assertTrue(skipped.get(0).contains("another recipe"), skipped.get(0));
        assertTrue(store().run("r", "recipe A").latest(m -> { }).isPresent());
    }

    @Test
    void theGateChecksTheMaximumErrorAndTheRegression() {
        QualityGate g = new QualityGate(10, 0.5);
        assertTrue(g.judge(5, Double.NaN).passed());
        assertFalse(g.judge(11, Double.NaN).passed());
        assertTrue(g.judge(5.4, 5.0).passed());
        QualityGate.Verdict worse = g.judge(5.6, 5.0);
        assertFalse(worse.passed());
        assertTrue(worse.reason().contains("champion"), worse.reason());
        assertFalse(g.judge(Double.NaN, 5.0).passed());
    }
}
