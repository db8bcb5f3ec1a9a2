package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shallownet.model.ModelFiles;
import shallownet.store.CrashPoints;
import shallownet.testutil.IdxFixtures;

/**
 * A retrain interrupted at each point of the store's write sequence ({@link CrashPoints}: after
 * the version, the promotion's line, CURRENT, the history line, the checkpoints' removal,
 * outcome.json), for a candidate the gate passes and one it rejects; then the same command again,
 * and {@code models list}. After the rerun the store is consistent: CURRENT names the last
 * promotion, every promotion by a retrain has exactly one "promoted" history line and every such
 * line a promotion, every version's run has exactly one final history line and its outcome.json,
 * no checkpoints or lock are left; and a rerun of a run interrupted before its commit point
 * completes that run instead of training another version.
 *
 * <p>The interruption is an Error thrown at the point, which no failure handler records, so
 * nothing after the point is written; unlike {@code kill -9}, the JVM's finally blocks still run
 * (the lock is released, temporary siblings removed), which the takeover and leftover rules cover.
 */
@ExtendWith(QuietSpark.class)
class RetrainKillPointsTest {

    @TempDir
    static Path shared;

    private static Path data;
    /** A store whose champion 000001 a complete retrain from scratch wrote. */
    private static Path template;

    @TempDir
    Path tmp;

    @BeforeAll
    static void storeWithAChampion() {
        data = IdxFixtures.writeDataDirectory(shared.resolve("data"), 200, 50, 4, 4, 10, false).dir();
        template = shared.resolve("template");
        CliRunner.Outcome o = CliRunner.run(args(template, true));
        assertEquals(ExitCode.OK.code(), o.exitCode(), o.err());
    }

    private static String[] args(Path store, boolean passes) {
        List<String> a = new ArrayList<>(List.of("retrain", "--store", store.toString(), "--data", data.toString(),
                "--master", "local[1]", "--epochs", "2", "--hidden", "8", "--quiet", "--checkpoint-every", "2"));
        a.addAll(passes ? List.of("--max-test-error", "100", "--max-regression", "100")
                : List.of("--max-test-error", "0"));
        return a.toArray(String[]::new);
    }

    static Stream<Arguments> points() {
        List<Arguments> out = new ArrayList<>();
        for (String p : List.of(CrashPoints.VERSION_WRITTEN, CrashPoints.PROMOTION_RECORDED, CrashPoints.CURRENT_WRITTEN,
                CrashPoints.HISTORY_WRITTEN, CrashPoints.CHECKPOINTS_REMOVED, CrashPoints.OUTCOME_WRITTEN)) {
            out.add(Arguments.of(p, true));
            if (!p.equals(CrashPoints.PROMOTION_RECORDED) && !p.equals(CrashPoints.CURRENT_WRITTEN)) {
                out.add(Arguments.of(p, false)); // a rejected candidate is not promoted: no such point
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "killed at {0}, gate passes: {1}")
    @MethodSource("points")
    void aRerunAfterAKillAtAnyPointLeavesHistoryAndPromotionsInAgreement(String point, boolean passes)
            throws Exception {
        Path store = tmp.resolve("store");
        copy(template, store);
        System.setProperty(CrashPoints.PROPERTY, point);
        try {
            assertThrows(CrashPoints.Crash.class, () -> CliRunner.run(args(store, passes)), "interrupted at " + point);
        } finally {
            System.clearProperty(CrashPoints.PROPERTY);
        }
        assertTrue(Files.isDirectory(store.resolve("versions/000002")), "the candidate was written before " + point);

        CliRunner.Outcome rerun = CliRunner.run(args(store, passes));
        assertEquals(passes ? ExitCode.OK.code() : ExitCode.NOT_PROMOTED.code(), rerun.exitCode(), rerun.err());
        assertEquals("", rerun.err());
        CliRunner.Outcome list = CliRunner.run("models", "list", "--store", store.toString());
        assertEquals(ExitCode.OK.code(), list.exitCode(), list.err());

        // Interrupted before its commit point (outcome.json): the rerun completed that run and
        // trained nothing. After it: the run was complete; a rerun from the new champion is a new
        // run (as after an uninterrupted one), from the same champion the finished one.
        boolean newRun = passes && point.equals(CrashPoints.OUTCOME_WRITTEN);
        assertEquals(newRun ? List.of("000001", "000002", "000003") : List.of("000001", "000002"), versions(store));
        assertConsistent(store);
        List<JsonNode> history = lines(store.resolve("history.jsonl"));
        JsonNode second = history.stream().filter(h -> "000002".equals(h.path("version").asText())).findFirst()
                .orElseThrow();
        assertEquals(passes ? "promoted" : "rejected", second.path("status").asText(), second.toString());
        assertEquals(passes ? 2 : 1, lines(store.resolve("promotions.jsonl")).size() - (newRun ? 1 : 0));
        String champion = newRun ? "000003" : passes ? "000002" : "000001";
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(champion + "  ") && l.contains(" champion ")), list.out());
    }

    /** The invariants that every kill point must keep after the next retrain. */
    private static void assertConsistent(Path store) throws IOException {
        List<JsonNode> promotions = lines(store.resolve("promotions.jsonl"));
        List<JsonNode> history = lines(store.resolve("history.jsonl"));
        String current = Files.readString(store.resolve("CURRENT")).trim();
        List<Runnable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(promotions.get(promotions.size() - 1).path("version").asText(), current,
                "CURRENT names the last promotion"));
        for (JsonNode p : promotions) {
            if ("retrain".equals(p.path("action").asText())) {
                checks.add(() -> assertEquals(1, history.stream().filter(h -> "promoted".equals(h.path("status").asText())
                        && h.path("version").equals(p.path("version"))
                        && h.path("run_id").equals(p.path("run_id"))).count(), "one history line for " + p));
            }
        }
        for (JsonNode h : history) {
            if ("promoted".equals(h.path("status").asText())) {
                checks.add(() -> assertEquals(1, promotions.stream().filter(p -> "retrain".equals(p.path("action").asText())
                        && p.path("version").equals(h.path("version"))).count(), "one promotion for " + h));
            }
        }
        for (String v : versions(store)) {
            String run = ModelFiles.json().readTree(store.resolve("versions/" + v + "/model.json").toFile())
                    .path("store").path("run_id").asText();
            checks.add(() -> assertEquals(1, history.stream().filter(h -> run.equals(h.path("run_id").asText())
                    && v.equals(h.path("version").asText())
                    && List.of("promoted", "rejected").contains(h.path("status").asText())).count(),
                    "one final history line for version " + v + " of run " + run + ": " + history));
            checks.add(() -> assertTrue(Files.exists(store.resolve("runs/" + run + "/outcome.json")), "outcome of " + run));
            checks.add(() -> assertFalse(Files.exists(store.resolve("runs/" + run + "/checkpoints")), "checkpoints of " + run));
        }
        checks.add(() -> assertFalse(Files.exists(store.resolve("LOCK")), "no lock left"));
        assertAll(checks.stream().map(c -> (org.junit.jupiter.api.function.Executable) c::run));
    }

    private static List<String> versions(Path store) throws IOException {
        try (Stream<Path> s = Files.list(store.resolve("versions"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{6}")).sorted().toList();
        }
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank()) {
                    out.add(ModelFiles.json().readTree(l));
                }
            }
        }
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(p -> {
                try {
                    Files.copy(p, to.resolve(from.relativize(p).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
