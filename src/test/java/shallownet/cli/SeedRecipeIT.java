package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.fetch.MnistFetcher;
import shallownet.testutil.RealMnist;

/**
 * The notebook's Q20/Q21 run end to end through the command line on real MNIST: minibatch SGD,
 * B=100, gamma=0.05, 5 epochs, with the corrected test-set normalisation.
 */
class SeedRecipeIT {

    @TempDir
    Path tmp;

    @Test
    void seedRecipeReachesTheNotebooksTrainingErrorAndTheTestErrorTracksIt() throws Exception {
        String data = RealMnist.dir();
        Path model = tmp.resolve("model");
        Path metrics = tmp.resolve("m.jsonl");
        CliRunner.Outcome r = CliRunner.run("train", "--data", data, "--master", "local[2]", "--seed", "1",
                "--metrics-out", metrics.toString(), "--model-out", model.toString());
        assertEquals(0, r.exitCode(), r.err());

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            lines.add(json.readTree(line));
        }
        assertEquals(7, lines.size(), "initial, 5 epochs, final");
        for (int e = 0; e <= 5; e++) {
            JsonNode m = lines.get(e);
            assertEquals(e, m.get("epoch").asInt());
            for (String key : List.of("train_loss", "train_error_pct", "test_loss", "test_error_pct", "elapsed_s",
                    "train_s")) {
                assertTrue(m.get(key).isNumber(), key + " in " + m);
            }
            // Training time only: none before the first step, growing, below the wall time with evaluations.
            double trainS = m.get("train_s").asDouble();
            assertTrue(e == 0 ? trainS == 0 : trainS > lines.get(e - 1).get("train_s").asDouble(), "train_s in " + m);
            assertTrue(trainS < m.get("elapsed_s").asDouble(), "train_s below elapsed_s in " + m);
        }
        JsonNode last = lines.get(6);
        assertTrue(last.get("final").asBoolean());
        assertEquals(5, last.get("epoch").asInt());
        assertEquals(model.toString(), last.get("model").asText());
        assertTrue(last.get("seconds_total").asDouble() > 0);

        double train = last.get("train_error_pct").asDouble();
        double test = last.get("test_error_pct").asDouble();
        assertTrue(train <= 4.8, "train error " + train);
        assertTrue(test <= 5.0, "test error " + test);
        assertTrue(Math.abs(test - train) <= 0.6, "test error " + test + " tracks train error " + train);
        // The untrained network: the notebook printed a loss of 0.249 and 89.29 % error.
        assertTrue(lines.get(0).get("train_error_pct").asDouble() > 80);
        assertEquals(0.25, lines.get(0).get("train_loss").asDouble(), 0.03);

        JsonNode meta = json.readTree(model.resolve("model.json").toFile());
        assertEquals(MnistFetcher.SHA256.get("train-images-idx3-ubyte"), meta.at("/data/train/images_sha256").asText());
        assertEquals(MnistFetcher.SHA256.get("t10k-labels-idx1-ubyte"), meta.at("/data/test/labels_sha256").asText());
        assertEquals(test, meta.at("/metrics/test_error_pct").asDouble(), 1e-12);
        assertEquals(100, meta.at("/training/batch_size").asInt());
        assertEquals(Files.size(model.resolve("weights.bin")), 4L * (64 * 784 + 64 + 10 * 64 + 10));

        // evaluate reads the model back and gives the same test figures as training reported.
        CliRunner.Outcome ev = CliRunner.run("evaluate", "--model", model.toString(), "--data", data,
                "--master", "local[2]", "--partitions", "3");
        assertEquals(0, ev.exitCode(), ev.err());
        assertTrue(ev.out().contains(String.format("error %.2f %%", test)), ev.out());
        assertTrue(ev.out().contains("confusion matrix"), ev.out());

        // A second run on top of the first (--init-model) keeps improving the training error.
        Path model2 = tmp.resolve("model2");
        CliRunner.Outcome again = CliRunner.run("train", "--data", data, "--master", "local[2]", "--epochs", "1",
                "--eval-every", "0", "--init-model", model.toString(), "--model-out", model2.toString(),
                "--metrics-out", tmp.resolve("m2.jsonl").toString());
        assertEquals(0, again.exitCode(), again.err());
        List<String> m2 = Files.readAllLines(tmp.resolve("m2.jsonl"));
        assertEquals(train, json.readTree(m2.get(0)).get("train_error_pct").asDouble(), 1e-9,
                "starts where the first model ended");
        assertTrue(json.readTree(m2.get(m2.size() - 1)).get("train_error_pct").asDouble() < train);
    }
}
