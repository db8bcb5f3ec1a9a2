package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;

/** --preset and the optimiser options, as recorded in the model a user gets. */
class PresetCliTest {

    @TempDir
    Path tmp;

    private JsonNode train(String... extra) throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 300, 60, 4, 4, 10, false);
        Path model = tmp.resolve("model-" + System.nanoTime());
        List<String> args = new java.util.ArrayList<>(List.of("train", "--master", "local[2]", "--data",
                data.dir().toString(), "--model-out", model.toString(), "--metrics-out", tmp.resolve("m.jsonl").toString()));
        args.addAll(List.of(extra));
        CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(model.resolve("model.json").toFile()).get("training");
    }

    @Test
    void fastPresetWithAnExplicitOverride() throws Exception {
        JsonNode t = train("--preset", "fast", "--epochs", "2");
        assertEquals("fast", t.get("preset").asText());
        assertEquals(250, t.get("batch_size").asInt());
        assertEquals(0.9, t.get("momentum").asDouble());
        assertTrue(t.get("nesterov").asBoolean());
        assertEquals("cosine", t.get("lr_schedule").asText());
        assertEquals(2, t.get("epochs").asInt(), "the explicit option wins over the preset");
    }

    @Test
    void seedRecipeByDefaultAndValidationWithEarlyStopping() throws Exception {
        JsonNode t = train("--epochs", "3", "--validation-fraction", "0.2", "--patience", "1", "--momentum", "0.5",
                "--lr-schedule", "step", "--lr-decay", "0.5", "--weight-decay", "0.0001");
        assertEquals("seed", t.get("preset").asText());
        assertEquals(100, t.get("batch_size").asInt());
        assertEquals(0.05, t.get("learning_rate").asDouble());
        assertEquals(0.5, t.get("momentum").asDouble());
        assertEquals("step", t.get("lr_schedule").asText());
        assertEquals(0.2, t.get("validation_fraction").asDouble());
        List<String> lines = Files.readAllLines(tmp.resolve("m.jsonl"));
        assertTrue(lines.get(1).contains("\"validation_error_pct\""), lines.get(1));
    }

    @Test
    void badOptionValuesAreUsageErrors() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("d"), 30, 10, 4, 4, 10, false);
        for (String[] bad : new String[][] {{"--preset", "turbo"}, {"--momentum", "1.5"}, {"--patience", "2"},
                {"--lr-schedule", "linear"}, {"--lr", "-1"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--master", "local[1]", "--data",
                    data.dir().toString(), "--model-out", tmp.resolve("never").toString()));
            args.addAll(List.of(bad));
            CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), String.join(" ", bad) + ": " + r.err());
            assertTrue(r.err().strip().startsWith("error: --"), r.err());
            assertTrue(!Files.exists(tmp.resolve("never")));
        }
    }
}
