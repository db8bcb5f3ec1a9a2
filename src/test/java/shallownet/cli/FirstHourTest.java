package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.run.ModelMetadata;
import shallownet.testutil.IdxFixtures;
import shallownet.train.TrainingConfig;

/** Issue 21's messages: what a new user reads in the first hour says what is true. */
class FirstHourTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final CapturedLog log = new CapturedLog("first-hour");

    @Test
    void trainAndEvaluateHelpNameTheSparkOptionsSubmitShTakes() {
        for (String command : List.of("train", "evaluate")) {
            CliRunner.Outcome help = CliRunner.run(command, "--help");
            assertEquals(0, help.exitCode());
            for (String option : List.of("--master", "--deploy-mode", "--driver-memory", "--executor-memory",
                    "--executor-cores", "--num-executors", "--conf KEY=VALUE", "--allow-spill")) {
                assertTrue(help.out().contains(option), command + " --help names " + option + ":\n" + help.out());
            }
        }
    }

    @Test
    void aUsageErrorPointsAtTheCommandTheUserTypes() {
        CliRunner.Outcome o = CliRunner.run("train", "--epoch", "3");
        assertEquals(2, o.exitCode());
        assertEquals("error: Unknown options: '--epoch', '3'; did you mean --epochs? (see './submit.sh train --help')",
                o.err().strip());
        o = CliRunner.run("models", "lst");
        assertTrue(o.err().contains("(see './submit.sh models"), o.err());
    }

    @Test
    void oneEpochIsOneEpoch() {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 300, 60, 4, 4, 10, false);
        CliRunner.Outcome o = CliRunner.run("train", "--master", "local[2]", "--data", data.dir().toString(),
                "--model-out", tmp.resolve("model").toString(), "--epochs", "1", "--progress", "off");
        assertEquals(0, o.exitCode(), o.err());
        String last = log.lines().stream().filter(l -> l.startsWith("model written to")).findFirst().orElseThrow();
        assertTrue(last.contains("; 1 epoch in "), last);
    }

    @Test
    void infoWithoutDataNamesTheDefaultDirectoryAndFetchesNothing() {
        Path home = tmp.resolve("checkout");
        String before = System.getProperty("shallownet.home");
        System.setProperty("shallownet.home", home.toString());
        try {
            CliRunner.Outcome o = CliRunner.run("info");
            assertEquals(2, o.exitCode(), o.err());
            assertEquals("error: " + home.resolve("data/mnist") + ": no MNIST here (the directory does not exist); give "
                    + "--data DIR, or fetch it: ./submit.sh fetch (train also fetches it when missing)", o.err().strip());
            assertFalse(Files.exists(home), "nothing fetched, nothing created");
        } finally {
            if (before == null) {
                System.clearProperty("shallownet.home");
            } else {
                System.setProperty("shallownet.home", before);
            }
        }
    }

    @Test
    void theRecipeIsJsonNotAJavaToString() throws Exception {
        TrainingConfig c = TrainingConfig.seedRecipe();
        JsonNode n = ModelFiles.json().readTree(ModelFiles.json().writeValueAsString(ModelMetadata.config(c)));
        assertEquals(64, n.get("hidden").intValue());
        assertEquals(0.05, n.get("learning_rate").doubleValue());
        assertEquals("constant", n.path("optimizer").path("schedule").asText());
        assertFalse(n.toString().contains("TrainingConfig["), n.toString());
    }
}
