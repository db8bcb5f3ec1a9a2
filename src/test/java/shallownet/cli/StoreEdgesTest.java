package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shallownet.model.ModelFiles;
import shallownet.store.CrashPoints;
import shallownet.store.ModelStore;
import shallownet.store.StoreLock;

/**
 * The store's edges a scheduled job meets (issue 19): temporary files a killed writer left at
 * the top of the store, a CURRENT cut short or naming no version, a history.jsonl whose last
 * line is cut short, a rollback killed between its two writes and run again, and operators'
 * promotions and rollbacks meeting a retrain on the lock.
 */
@ExtendWith(QuietSpark.class)
class StoreEdgesTest {

    @TempDir
    static Path shared;

    private static Path data;
    /** A store with 000001 (from scratch) and 000002 (warm), both promoted: CURRENT 000002. */
    private static Path template;

    @TempDir
    Path tmp;

    @BeforeAll
    static void storeWithTwoChampions() {
        data = shallownet.testutil.IdxFixtures.writeDataDirectory(shared.resolve("data"), 200, 50, 4, 4, 10, false).dir();
        template = shared.resolve("template");
        for (int i = 0; i < 2; i++) {
            CliRunner.Outcome o = CliRunner.run(retrain(template));
            assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
        }
    }

    private static String[] retrain(Path store, String... extra) {
        List<String> a = new ArrayList<>(List.of("retrain", "--store", store.toString(), "--data", data.toString(),
                "--master", "local[1]", "--epochs", "1", "--hidden", "8", "--quiet", "--max-test-error", "100",
                "--max-regression", "100"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private Path copyOfTemplate() throws IOException {
        Path store = tmp.resolve("store");
        try (Stream<Path> s = Files.walk(template)) {
            s.forEach(p -> {
                try {
                    Files.copy(p, store.resolve(template.relativize(p).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return store;
    }

    private static String current(Path store) throws IOException {
        return Files.readString(store.resolve("CURRENT"));
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            if (!l.isBlank()) {
                out.add(ModelFiles.json().readTree(l));
            }
        }
        return out;
    }

    @Test
    void temporaryFilesAKilledWriterLeftDoNotMakeTheStoreAStranger() throws Exception {
        Path store = copyOfTemplate();
        for (String name : List.of(".CURRENT.tmp-0b1c", ".history.jsonl.tmp-77aa", ".promotions.jsonl.tmp-3",
                "LOCK.takeover-dead-run")) {
            Files.writeString(store.resolve(name), "half");
        }
        CliRunner.Outcome o = CliRunner.run(retrain(store));
        assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
        assertEquals("000003\n", current(store));
        assertFalse(Files.exists(store.resolve(".CURRENT.tmp-0b1c")), "the killed writer's file removed");
        // Something that is not the store's still makes it a stranger (the store is not written).
        Files.writeString(store.resolve("notes.txt"), "mine");
        CliRunner.Outcome stranger = CliRunner.run(retrain(store));
        assertEquals(ExitCode.BAD_INPUT.code(), stranger.exitCode());
        assertTrue(stranger.err().contains("is not a model store: it holds notes.txt"), stranger.err());
    }

    @ParameterizedTest(name = "CURRENT = \"{0}\"")
    @ValueSource(strings = {"0000", "00000", "000009\n", "garbage\n"})
    void aDamagedCurrentIsReadAsTheLastPromotionAndRewrittenByTheNextRun(String damaged) throws Exception {
        Path store = copyOfTemplate();
        Files.writeString(store.resolve("CURRENT"), damaged);
        CliRunner.Outcome list = CliRunner.run("models", "list", "--store", store.toString());
        assertEquals(ExitCode.OK.code(), list.exitCode(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("000002   champion")), list.out());
        assertEquals(1, list.err().lines().count(), list.err());
        assertTrue(list.err().startsWith("warning: " + store.resolve("CURRENT") + ": damaged ("), list.err());
        assertTrue(list.err().contains("the champion is the last promotion's, 000002"), list.err());

        CliRunner.Outcome run = CliRunner.run(retrain(store));
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.err());
        JsonNode summary = ModelFiles.json().readTree(run.out().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(summary.path("start").asText().startsWith("champion 000002"), "warm from the real champion: "
                + summary);
        assertEquals("000003\n", current(store));
        assertEquals(3, lines(store.resolve("promotions.jsonl")).size());
    }

    @Test
    void aDamagedCurrentWithNoPromotionToRebuildItFromIsOneErrorAndNothingWritten() throws Exception {
        Path store = copyOfTemplate();
        Files.writeString(store.resolve("CURRENT"), "0000");
        Files.delete(store.resolve("promotions.jsonl"));
        Map<String, String> before = StoreListing.of(store);
        CliRunner.Outcome run = CliRunner.run(retrain(store));
        assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode());
        assertEquals("error: " + store.resolve("CURRENT") + ": is damaged ('0000' names no version of this store) and "
                + "promotions.jsonl has no promotion to rebuild it from; write the champion's version into it, e.g. "
                + "000001", run.err().strip());
        assertEquals(before, StoreListing.of(store));
    }

    @Test
    void aHistoryCutShortKeepsItsWholeLinesAndTheCutLineIsSetAside() throws Exception {
        Path store = copyOfTemplate();
        String torn = "{\"run_id\":\"run-cut\",\"started\":\"2026-12-0";
        Files.writeString(store.resolve("history.jsonl"), Files.readString(store.resolve("history.jsonl")) + torn);
        CliRunner.Outcome list = CliRunner.run("models", "list", "--store", store.toString());
        assertEquals(ExitCode.OK.code(), list.exitCode(), list.err());
        assertTrue(list.err().contains("history.jsonl: the last line is cut short (" + torn.length() + " bytes"),
                list.err());

        CliRunner.Outcome run = CliRunner.run(retrain(store));
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.err());
        List<JsonNode> history = lines(store.resolve("history.jsonl"));
        assertEquals(List.of("000001", "000002", "000003"), history.stream().map(h -> h.path("version").asText()).toList());
        try (Stream<Path> s = Files.list(store)) {
            List<Path> aside = s.filter(p -> p.getFileName().toString().matches("history\\.jsonl\\.torn-\\d+")).toList();
            assertEquals(1, aside.size());
            assertEquals(torn, Files.readString(aside.get(0)), "the cut line kept whole");
        }
        // The store with its set-aside file is still a store to every command.
        assertEquals(ExitCode.OK.code(), CliRunner.run(retrain(store)).exitCode());
    }

    @Test
    void aRollbackKilledBetweenItsTwoWritesIsCompletedByItsRerunNotDoneTwice() throws Exception {
        Path store = copyOfTemplate();
        System.setProperty(CrashPoints.PROPERTY, CrashPoints.PROMOTION_RECORDED);
        try {
            assertThrows(CrashPoints.Crash.class, () -> CliRunner.run("models", "rollback", "--store", store.toString()));
        } finally {
            System.clearProperty(CrashPoints.PROPERTY);
        }
        assertEquals("000002\n", current(store), "killed before CURRENT");
        CliRunner.Outcome list = CliRunner.run("models", "list", "--store", store.toString());
        assertTrue(list.err().contains("names 000002, but the last promotion (`models rollback` at "), list.err());
        assertTrue(list.err().contains("names 000001: that change was interrupted"), list.err());

        CliRunner.Outcome again = CliRunner.run("models", "rollback", "--store", store.toString());
        assertEquals(ExitCode.OK.code(), again.exitCode(), again.err());
        assertTrue(again.out().startsWith("completed an interrupted change of champion: champion is now 000001"),
                again.out());
        assertEquals("000001\n", current(store));
        List<JsonNode> promotions = lines(store.resolve("promotions.jsonl"));
        assertEquals(List.of("retrain", "retrain", "rollback"),
                promotions.stream().map(p -> p.path("action").asText()).toList(), "one rollback, not two");
        CliRunner.Outcome clean = CliRunner.run("models", "list", "--store", store.toString());
        assertEquals("", clean.err());
    }

    @Test
    void aPromotionWhileRetrainHoldsTheLockIsRefusedAndChangesNothing() throws Exception {
        Path store = copyOfTemplate();
        ModelStore s = ModelStore.at(new Configuration(), store.toString());
        try (StoreLock held = s.lock().command("retrain").runId("run-nightly").acquire()) {
            Map<String, String> before = StoreListing.of(store);
            for (String[] cmd : List.of(new String[] {"models", "promote", "1", "--store", store.toString()},
                    new String[] {"models", "rollback", "--store", store.toString()})) {
                CliRunner.Outcome o = CliRunner.run(cmd);
                assertEquals(ExitCode.LOCK_HELD.code(), o.exitCode(), o.err());
                assertEquals(1, o.err().lines().count(), o.err());
                assertTrue(o.err().contains("retrain") && o.err().contains("run-nightly"), o.err());
                assertEquals(before, StoreListing.of(store), "nothing changed by " + cmd[1]);
            }
        }
    }

    private static boolean waitsForTheLock(Thread t) {
        return Stream.of(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(StoreLock.class.getName())
                && f.getMethodName().equals("acquire"));
    }

    @Test
    void aPromotionThatLandsWhileRetrainWaitsForTheLockIsWhatItTrainsFromAndRecords() throws Exception {
        // The champion is 000001 when the nightly run plans: from it, run 2 of the template ran
        // already. While the run waits for the lock, an operator promotes 000002: the run must
        // plan again, train from 000002 (a new run), and record its own id with the promotion.
        Path store = copyOfTemplate();
        ModelStore s = ModelStore.at(new Configuration(), store.toString());
        try (StoreLock l = s.lock().command("models rollback").acquire()) {
            s.promote(l, 1, "rollback", "checking");
        }
        AtomicReference<CliRunner.Outcome> result = new AtomicReference<>();
        Thread nightly;
        try (StoreLock operator = s.lock().command("models promote").timeout(Duration.ofMinutes(10)).acquire()) {
            nightly = new Thread(() -> result.set(CliRunner.run(retrain(store, "--lock-wait", "120"))));
            nightly.start();
            // The run has planned (from 000002) once it waits in StoreLock.acquire: it plans, starts
            // Spark, then takes the lock.
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!waitsForTheLock(nightly) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(waitsForTheLock(nightly), "retrain waits for the lock");
            s.promote(operator, 2, "promote", "checked by hand");
        }
        nightly.join(180_000);
        CliRunner.Outcome o = result.get();
        assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
        JsonNode summary = ModelFiles.json().readTree(o.out().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(summary.path("start").asText().startsWith("champion 000002"), "trained from the champion the "
                + "operator made: " + summary);
        assertEquals("000003\n", current(store));
        List<JsonNode> promotions = lines(store.resolve("promotions.jsonl"));
        JsonNode last = promotions.get(promotions.size() - 1);
        assertEquals("000003", last.path("version").asText());
        assertEquals("000002", last.path("previous").asText());
        assertEquals(summary.path("run_id").asText(), last.path("run_id").asText(),
                "the promotion names the run that trained it (the id after re-planning)");
    }
}
