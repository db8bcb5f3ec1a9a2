package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import shallownet.testutil.IdxFixtures;

/**
 * conf/shallownet-defaults.properties (submit.sh passes it as -Dshallownet.defaults): keys
 * {@code shallownet.<command>.<option>} reach the options, also those defined once in the shared
 * mixins (RecipeOptions, RunOutputOptions), and the command line still wins.
 */
class DefaultsFileTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsFileSetsTrainsRecipeAndTheCommandLineWins() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 200, 40, 4, 4, 10, false);
        Path defaults = Files.writeString(tmp.resolve("defaults.properties"), String.join("\n",
                "shallownet.train.preset = fast", "shallownet.train.epochs = 1", "shallownet.train.batch-size = 50",
                "shallownet.train.hidden = 5", "shallownet.train.seed = 7", "shallownet.train.momentum = 0.25",
                "shallownet.train.progress = off", "shallownet.retrain.epochs = 4", ""));
        String saved = System.setProperty("shallownet.defaults", defaults.toString());
        try {
            Path model = tmp.resolve("model");
            CliRunner.Outcome r = CliRunner.run("train", "--master", "local[1]", "--data", data.dir().toString(),
                    "--model-out", model.toString(), "--seed", "3");
            assertEquals(0, r.exitCode(), r.err());
            JsonNode json = new ObjectMapper().readTree(model.resolve("model.json").toFile());
            JsonNode t = json.get("training");
            assertEquals("fast", t.get("preset").asText());
            assertEquals(1, t.get("epochs").asInt(), "shallownet.train.epochs, not retrain's");
            assertEquals(50, t.get("batch_size").asInt());
            assertEquals(0.25, t.get("momentum").asDouble());
            assertEquals(3, t.get("seed").asInt(), "the command line wins over the file");
            assertEquals(5, json.path("architecture").path("hidden").asInt(), json.path("architecture").toString());
        } finally {
            if (saved == null) {
                System.clearProperty("shallownet.defaults");
            } else {
                System.setProperty("shallownet.defaults", saved);
            }
        }
    }

    @Test
    void everyKeyOfTheShippedDefaultsNamesAnOptionOfItsCommand() throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("conf/shallownet-defaults.properties"))) {
            p.load(in);
        }
        assertTrue(p.size() > 0);
        CommandLine cl = new CommandLine(new Main());
        for (String key : p.stringPropertyNames()) {
            String[] parts = key.split("\\.", 3);
            assertEquals("shallownet", parts[0], key);
            CommandLine sub = cl.getSubcommands().get(parts[1]);
            assertNotNull(sub, key + ": no such command");
            assertNotNull(sub.getCommandSpec().findOption("--" + parts[2]), key + ": no such option");
        }
    }

    /**
     * One source of truth: the shipped file repeats the job's defaults, and they are the ones
     * the options take without it (picocli's defaults read from TrainingConfig and Preset).
     */
    @Test
    void theShippedDefaultsAreTheOptionsOwnDefaults() throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("conf/shallownet-defaults.properties"))) {
            p.load(in);
        }
        CommandLine cl = new CommandLine(new Main());
        for (String key : p.stringPropertyNames()) {
            String[] parts = key.split("\\.", 3);
            CommandLine.Model.OptionSpec o = cl.getSubcommands().get(parts[1]).getCommandSpec().findOption("--" + parts[2]);
            assertEquals(p.getProperty(key).trim(), o.defaultValue(), key + " differs from the option's own default");
        }
        assertEquals(String.valueOf(shallownet.train.TrainingConfig.DEFAULT_SEED), p.getProperty("shallownet.train.seed"));
        assertEquals(shallownet.train.Preset.SEED.toString(), p.getProperty("shallownet.train.preset").trim());
    }
}
