package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.OnnxRunner;
import shallownet.testutil.PredictCsv;
import shallownet.testutil.RealMnist;

/**
 * The acceptance check of the ONNX export on real MNIST: a champion retrained for one epoch on the
 * 60,000 training images, exported with {@code export --store}, run by ONNX Runtime on the 10,000
 * test images in one batch and on one image alone, gives {@code predict}'s label for every image and
 * its probabilities within 1e-5; ONNX's checker accepts the file; its metadata names the version,
 * the training data's SHA-256 and the test error, which the ONNX labels reproduce.
 */
class OnnxExportMnistIT {

    @TempDir
    Path tmp;

    private static byte[] ungzip(Path f) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(f)))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theChampionAsOnnxPredictsAsPredictOnTheTenThousandTestImages() throws Exception {
        String data = RealMnist.dir();
        Path store = tmp.resolve("store");
        CliRunner.Outcome retrain = CliRunner.run("retrain", "--store", store.toString(), "--data", data, "--master",
                "local[2]", "--epochs", "1", "--quiet");
        assertEquals(0, retrain.exitCode(), retrain.err());
        Path version = store.resolve("versions/000001");

        Path onnx = tmp.resolve("champion.onnx");
        CliRunner.Outcome export = CliRunner.run("export", "--store", store.toString(), "--out", onnx.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertArrayEquals(Files.readAllBytes(version.resolve("model.onnx")), Files.readAllBytes(onnx),
                "export --store gives the model.onnx retrain wrote beside the champion");

        Path images = RealMnist.gz("t10k-images-idx3-ubyte");
        Path csv = tmp.resolve("predictions.csv");
        CliRunner.Outcome predict = CliRunner.run("predict", "--model", version.toString(), "--images",
                images.toString(), "--out", csv.toString(), "--probabilities");
        assertEquals(0, predict.exitCode(), predict.err());
        PredictCsv expected = PredictCsv.read(csv);
        assertEquals(10_000, expected.labels().length);

        byte[] raw = ungzip(images);
        float[] pixels = OnnxRunner.pixelValues(Arrays.copyOfRange(raw, 16, raw.length));
        byte[] labels = ungzip(RealMnist.gz("t10k-labels-idx1-ubyte"));
        JsonNode modelJson = new ObjectMapper().readTree(version.resolve("model.json").toFile());
        try (OnnxRunner r = new OnnxRunner(Files.readAllBytes(onnx))) {
            long t0 = System.nanoTime();
            OnnxRunner.Output all = r.run("pixels", pixels, 10_000, 784);
            double seconds = (System.nanoTime() - t0) / 1e9;
            PredictCsv.Agreement a = expected.compare(all, 0);
            PredictCsv.Agreement one = expected.compare(r.run("pixels", Arrays.copyOfRange(pixels, 784 * 42,
                    784 * 43), 1, 784), 42);
            int wrong = 0;
            for (int i = 0; i < 10_000; i++) {
                wrong += all.labels()[i] == (labels[8 + i] & 0xff) ? 0 : 1;
            }
            Map<String, String> meta = r.session().getMetadata().getCustomMetadata();
            String checker = OnnxRunner.check(onnx);
            System.out.printf("ONNX export on MNIST's 10,000 test images: %s (N=10000, %.3f s); N=1 (image 42): %s; "
                    + "file %d bytes; test error %.2f %% by the ONNX labels, model.json %s %%; metadata %s; %s%n",
                    a, seconds, one, Files.size(onnx), wrong / 100.0, modelJson.path("metrics").path("test_error_pct"),
                    meta, checker);
            assertEquals(10_000, a.labelsEqual(), a.toString());
            assertTrue(a.maxProbabilityDiff() <= 1e-5, a.toString());
            assertEquals(1, one.labelsEqual(), one.toString());
            assertTrue(one.maxProbabilityDiff() <= 1e-5, one.toString());
            assertTrue(checker.contains("checker: ok"), checker);
            assertEquals("000001", meta.get("store_version"));
            assertEquals(modelJson.path("data").path("train").path("images_sha256").asText(),
                    meta.get("train_images_sha256"));
            assertEquals(modelJson.path("data").path("train").path("labels_sha256").asText(),
                    meta.get("train_labels_sha256"));
            double recorded = Double.parseDouble(meta.get("test_error_pct"));
            assertEquals(modelJson.path("metrics").path("test_error_pct").asDouble(), recorded, 0);
            assertEquals(recorded, wrong / 100.0, 1e-9, "the ONNX model's test error is the one recorded");
            assertTrue(recorded < 10, "one epoch learns MNIST: " + recorded + " %");
        }
    }
}
