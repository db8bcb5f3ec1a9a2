package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.AppJar;
import shallownet.testutil.MnistSlice;
import shallownet.testutil.StandaloneCluster;

/**
 * Issue 19's story, as an operator lives it through {@code ./submit.sh}: the nightly command
 * trains 000001 from scratch, then 000002 warm, the operator rolls back to 000001, and the same
 * nightly command runs again. It must not claim a promotion that is not the store's state: it
 * trains nothing, says who set CURRENT and when, exits 6, and leaves CURRENT at 000001; the
 * history's line says the same. {@code --force-new-run} then trains the run again (as run R.2,
 * with the same bits, since recipe, start and data are the same), a manual promote is
 * reported like a rollback, and a rerun whose version is the champion again exits 0.
 */
class RetrainRollbackIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Path appJar;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void jarAndData() throws Exception {
        appJar = AppJar.build(shared.resolve("shallownet-app.jar"));
        data = MnistSlice.write(shared.resolve("mnist-2000"), 2000, 500);
    }

    record Run(int exitCode, List<String> stdout, List<String> stderr) {
        /** The run's JSON summary: retrain's last stdout line. */
        JsonNode summary() throws Exception {
            return JSON.readTree(stdout.get(stdout.size() - 1));
        }
    }

    private Run submit(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(),
                "SHALLOWNET_JAR", appJar.toString()));
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command did not end: " + cmd);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    private Run nightly(Path store, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("retrain", "--store", store.toString(), "--data", data.toString(),
                "--master", "local[2]", "--partitions", "2", "--epochs", "1", "--quiet", "--max-test-error", "100",
                "--max-regression", "100"));
        a.addAll(List.of(extra));
        return submit(a.toArray(String[]::new));
    }

    private static List<JsonNode> history(Path store) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(store.resolve("history.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static String current(Path store) throws Exception {
        return Files.readString(store.resolve("CURRENT")).trim();
    }

    @Test
    void aRerunAfterARollbackSaysSoAndPromotesNothing() throws Exception {
        Path store = tmp.resolve("store");
        Run first = nightly(store);
        assertEquals(0, first.exitCode(), first.stderr().toString());
        assertEquals("000001", first.summary().path("version").asText());
        Run warm = nightly(store);
        assertEquals(0, warm.exitCode(), warm.stderr().toString());
        JsonNode promoted = warm.summary();
        assertEquals("000002", promoted.path("version").asText());
        assertTrue(promoted.path("start").asText().startsWith("champion 000001"), promoted.toString());
        String run2 = promoted.path("run_id").asText();
        // The version records its recipe as JSON (issue 21), not a Java toString.
        JsonNode config = JSON.readTree(store.resolve("versions/000002/model.json").toFile()).path("training")
                .path("config");
        assertEquals(1, config.path("epochs").asInt(), "training.config is a JSON object: " + config);
        assertEquals(100, config.path("batch_size").asInt(), config.toString());

        Run rollback = submit("models", "rollback", "--store", store.toString(), "--reason", "bad in production");
        assertEquals(0, rollback.exitCode(), rollback.stderr().toString());
        assertEquals("000001", current(store));

        // The same nightly command again: nothing trained, nothing promoted, and it says why.
        Run rerun = nightly(store);
        JsonNode s = rerun.summary();
        assertEquals(ExitCode.SUPERSEDED.code(), rerun.exitCode(), "exit code of a rolled-back rerun; " + s);
        assertEquals(6, rerun.exitCode());
        assertEquals("already_finished", s.path("status").asText());
        assertEquals(run2, s.path("run_id").asText());
        assertFalse(s.path("promoted").asBoolean(), "this command promoted nothing: " + s);
        assertEquals("000001", s.path("champion").asText(), s.toString());
        assertEquals("000002", s.path("earlier").path("version").asText());
        assertTrue(s.path("earlier").path("was_promoted").asBoolean());
        assertEquals("rollback", s.path("champion_set_by").path("action").asText());
        assertEquals("bad in production", s.path("champion_set_by").path("reason").asText());
        String note = s.path("note").asText();
        assertTrue(note.contains("run " + run2 + " produced 000002 and promoted it; the champion is now 000001, set "
                + "by `models rollback` at "), note);
        assertTrue(note.contains("--force-new-run starts a new run"), note);
        assertEquals("000001", current(store), "CURRENT unchanged");
        assertFalse(Files.exists(store.resolve("versions/000003")), "nothing trained");
        // Nothing anywhere presents 000002 as the champion: the history's new line is the summary.
        List<JsonNode> h = history(store);
        assertEquals(3, h.size());
        assertEquals(s, h.get(2));
        assertFalse(h.get(2).toString().contains("\"promoted\":true"), h.get(2).toString());

        Run list = submit("models", "list", "--store", store.toString());
        assertEquals(0, list.exitCode());
        String listed = String.join("\n", list.stdout());
        assertTrue(listed.matches("(?s).*000001 +champion .*000002 +former champion .*"), listed);
        assertTrue(listed.contains("CURRENT is 000001: set by models rollback at "), listed);
        assertTrue(listed.contains("(was 000002): bad in production"), listed);

        // --force-new-run trains the run again as R.2: the same recipe, start and data, so the same bits.
        Run forced = nightly(store, "--force-new-run");
        assertEquals(0, forced.exitCode(), forced.stderr().toString());
        JsonNode f = forced.summary();
        assertEquals(run2 + ".2", f.path("run_id").asText());
        assertEquals("000003", f.path("version").asText());
        assertEquals("promoted", f.path("status").asText());
        assertEquals("000003", current(store));
        assertArrayEquals(Files.readAllBytes(store.resolve("versions/000002/weights.bin")),
                Files.readAllBytes(store.resolve("versions/000003/weights.bin")));

        // A manual promote back to 000001, then the nightly command: superseded again, by the promote.
        Run promote = submit("models", "promote", "1", "--store", store.toString(), "--reason", "pinned");
        assertEquals(0, promote.exitCode(), promote.stderr().toString());
        Run again = nightly(store);
        JsonNode g = again.summary();
        assertEquals(6, again.exitCode(), g.toString());
        assertEquals("promote", g.path("champion_set_by").path("action").asText());
        assertTrue(g.path("note").asText().contains("set by `models promote` at "), g.toString());
        assertEquals("000001", current(store));

        // A rerun whose version is the champion now exits 0: the first run (from scratch) produced
        // 000001, the champion again since the promote.
        Run champion = nightly(store, "--from-scratch");
        JsonNode c = champion.summary();
        assertEquals(0, champion.exitCode(), c.toString());
        assertEquals(first.summary().path("run_id").asText(), c.path("run_id").asText());
        assertTrue(c.path("note").asText().contains("produced 000001, which is the champion; nothing to do"),
                c.toString());
        assertEquals(6, history(store).size(), "one history line per retrain");
    }
}
