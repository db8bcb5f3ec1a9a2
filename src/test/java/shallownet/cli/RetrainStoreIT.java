package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import shallownet.model.ModelFiles;
import shallownet.testutil.MnistSlice;

/**
 * {@code retrain} and {@code models} in this JVM with a real local Spark, on the first 2,000
 * training and 500 test digits of real MNIST: the quality gate, the divergence guard, the
 * promotion history and rollback, bitwise reproducibility.
 */
class RetrainStoreIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Path data;
    private static String savedUi;

    @TempDir
    Path tmp;

    @BeforeAll
    static void slice() {
        savedUi = System.setProperty("spark.ui.enabled", "false");
        LoggerFactory.getLogger(RetrainStoreIT.class).debug("logging initialised");
        data = MnistSlice.write(shared.resolve("mnist-2000"), 2000, 500);
    }

    @AfterAll
    static void restore() {
        if (savedUi == null) {
            System.clearProperty("spark.ui.enabled");
        } else {
            System.setProperty("spark.ui.enabled", savedUi);
        }
    }

    static CliRunner.Outcome retrain(Path store, String... extra) {
        List<String> args = new ArrayList<>(List.of("retrain", "--store", store.toString(), "--data", data.toString(),
                "--master", "local[2]"));
        if (!List.of(extra).contains("--partitions")) {
            args.addAll(List.of("--partitions", "2"));
        }
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    static String current(Path store) {
        return StoreListing.read(store.resolve("CURRENT"));
    }

    static List<JsonNode> jsonLines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    static JsonNode lastLine(Path file) throws Exception {
        List<JsonNode> l = jsonLines(file);
        return l.get(l.size() - 1);
    }

    @Test
    void aWorseCandidateIsKeptButNotPromotedAndAnOperatorCanPromoteAndRollBack() throws Exception {
        Path store = tmp.resolve("store");
        CliRunner.Outcome champion = retrain(store, "--epochs", "3", "--momentum", "0.9", "--max-test-error", "100");
        assertEquals(ExitCode.OK.code(), champion.exitCode(), champion.err());
        assertEquals("000001\n", current(store));
        JsonNode first = lastLine(store.resolve("history.jsonl"));
        assertEquals("promoted", first.path("status").asText());
        assertTrue(first.path("champion_test_error_pct").isNull(), first.toString());

        // One epoch from scratch at a tiny learning rate: far worse than the champion.
        String[] worse = {"--from-scratch", "--epochs", "1", "--lr", "0.002", "--max-test-error", "100",
            "--max-regression", "1"};
        CliRunner.Outcome candidate = retrain(store, worse);

        assertEquals(ExitCode.NOT_PROMOTED.code(), candidate.exitCode(), candidate.err());
        assertEquals("000001\n", current(store), "the champion stays");
        JsonNode meta = JSON.readTree(store.resolve("versions/000002/model.json").toFile());
        JsonNode gate = meta.path("store").path("gate");
        assertFalse(gate.path("passed").asBoolean());
        double candidateErr = gate.path("candidate_test_error_pct").asDouble();
        double championErr = gate.path("champion_test_error_pct").asDouble();
        assertTrue(candidateErr > championErr + 1, candidateErr + " vs " + championErr);
        assertEquals(meta.path("metrics").path("test_error_pct").asDouble(), candidateErr);
        JsonNode summary = lastLine(store.resolve("history.jsonl"));
        assertEquals("rejected", summary.path("status").asText());
        assertEquals(3, summary.path("exit_code").asInt());
        assertEquals("000002", summary.path("version").asText());
        assertEquals("000001", summary.path("champion").asText());
        assertFalse(summary.path("gate").path("passed").asBoolean());
        assertTrue(candidate.out().contains("\"status\":\"rejected\""), candidate.out());
        // The version records the exact recipe and the data it was trained on.
        assertEquals(0.002, meta.path("training").path("learning_rate").asDouble());
        assertEquals(64, meta.path("data").path("train").path("images_sha256").asText().length());

        // The same run again (same recipe, data and champion): recognised as done, nothing trained.
        CliRunner.Outcome again = retrain(store, worse);
        assertEquals(ExitCode.NOT_PROMOTED.code(), again.exitCode(), again.err());
        assertFalse(Files.exists(store.resolve("versions/000003")));
        assertEquals("already_finished", lastLine(store.resolve("history.jsonl")).path("status").asText());

        CliRunner.Outcome list = CliRunner.run("models", "list", "--store", store.toString());
        assertEquals(ExitCode.OK.code(), list.exitCode(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("000001") && l.contains("champion")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("000002") && l.contains("rejected")), list.out());

        CliRunner.Outcome promote = CliRunner.run("models", "promote", "2", "--store", store.toString(),
                "--reason", "test");
        assertEquals(ExitCode.OK.code(), promote.exitCode(), promote.err());
        assertEquals("000002\n", current(store));
        JsonNode p = lastLine(store.resolve("promotions.jsonl"));
        assertEquals("000001", p.path("previous").asText());
        assertEquals("test", p.path("reason").asText());
        assertEquals(System.getProperty("user.name"), p.path("user").asText());

        CliRunner.Outcome show = CliRunner.run("models", "show", "000002", "--store", store.toString());
        assertEquals(ExitCode.OK.code(), show.exitCode(), show.err());
        assertEquals("champion", JSON.readTree(show.out()).path("status").asText());

        assertEquals(ExitCode.OK.code(), CliRunner.run("models", "rollback", "--store", store.toString()).exitCode());
        assertEquals("000001\n", current(store));
        CliRunner.Outcome none = CliRunner.run("models", "rollback", "--store", store.toString());
        assertEquals(ExitCode.BAD_INPUT.code(), none.exitCode());
        assertTrue(none.err().contains("no previous champion"), none.err());
        assertEquals("000001\n", current(store));
        assertEquals(List.of("retrain", "promote", "rollback"), jsonLines(store.resolve("promotions.jsonl"))
                .stream().map(j -> j.path("action").asText()).toList());
    }

    @Test
    void aDivergingRunExitsWith5AndPromotesNothing() throws Exception {
        Path store = tmp.resolve("store");
        assertEquals(ExitCode.OK.code(), retrain(store, "--epochs", "1", "--max-test-error", "100").exitCode());
        Map<String, String> versionsBefore = StoreListing.of(store.resolve("versions"));

        CliRunner.Outcome r = retrain(store, "--lr", "100", "--max-test-error", "100", "--max-regression", "100");

        assertEquals(ExitCode.DIVERGED.code(), r.exitCode(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("error: training diverged at epoch 1 step ")), r.err());
        assertEquals("000001\n", current(store), "the champion stays");
        assertEquals(versionsBefore, StoreListing.of(store.resolve("versions")), "no new version");
        JsonNode summary = lastLine(store.resolve("history.jsonl"));
        assertEquals("diverged", summary.path("status").asText());
        assertEquals(5, summary.path("exit_code").asInt());
        assertFalse(Files.exists(store.resolve("LOCK")), "the lock is released");
    }

    @Test
    void identicalRunsGiveIdenticalBitsAndOtherPartitionCountsAgreeClosely() throws Exception {
        String[] recipe = {"--epochs", "2", "--max-test-error", "100", "--checkpoint-every", "7"};
        byte[][] weights = new byte[3][];
        String[] partitions = {"4", "4", "2"};
        for (int i = 0; i < 3; i++) {
            Path store = tmp.resolve("store" + i);
            List<String> args = new ArrayList<>(List.of(recipe));
            args.addAll(List.of("--partitions", partitions[i]));
            CliRunner.Outcome r = retrain(store, args.toArray(String[]::new));
            assertEquals(ExitCode.OK.code(), r.exitCode(), r.err());
            weights[i] = Files.readAllBytes(store.resolve("versions/000001/weights.bin"));
        }
        assertArrayEquals(weights[0], weights[1], "two runs, same seed, 4 partitions: the same bytes");
        float[] a = shallownet.model.WeightsEncoding.decode(weights[0]);
        float[] b = shallownet.model.WeightsEncoding.decode(weights[2]);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
            norm += (double) a[i] * a[i];
        }
        double rel = Math.sqrt(diff / norm);
        System.out.printf("2 vs 4 partitions: relative L2 difference %.3e, bytes equal: %s%n", rel,
                java.util.Arrays.equals(weights[0], weights[2]));
        assertTrue(rel <= 1e-4, "relative difference " + rel);
    }
}
