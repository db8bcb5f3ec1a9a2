package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.store.ModelStore;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.OnnxRunner;
import shallownet.testutil.PredictCsv;

/**
 * {@code export} and {@code retrain}'s {@code model.onnx}, run through the command line in this
 * JVM: the exported file, run by ONNX Runtime on the images {@code predict} is given, gives
 * predict's labels and its probabilities within 1e-5; a store without a champion, an unknown
 * version or an output that cannot be written is one error line, exit 2, and nothing written.
 */
class ExportCommandTest {

    private static final NetworkShape SHAPE = new NetworkShape(28 * 28, 16, 10);

    @TempDir
    Path tmp;

    /** A model directory of spread-out weights (so the labels vary), saved as train saves one. */
    private Path model() throws Exception {
        Path m = tmp.resolve("model");
        float[] p = WeightInit.initShallow(SHAPE, 11);
        for (int i = 0; i < p.length; i++) {
            p[i] *= 4;
        }
        var meta = ModelFiles.json().createObjectNode();
        meta.putObject("metrics").put("test_error_pct", 12.5);
        ModelFiles.save(new Configuration(), m.toString(), SHAPE, p, meta, false);
        return m;
    }

    /** ONNX Runtime on every image of {@code images}, in one batch and the first alone, against predict's CSV. */
    private static void assertPredictsAsPredict(Path onnx, Path modelDir, IdxFixtures.DataSet data, Path tmp)
            throws Exception {
        Path csv = tmp.resolve("p-" + System.nanoTime() + ".csv");
        CliRunner.Outcome p = CliRunner.run("predict", "--model", modelDir.toString(), "--images",
                data.testImages().toString(), "--out", csv.toString(), "--probabilities");
        assertEquals(0, p.exitCode(), p.err());
        PredictCsv expected = PredictCsv.read(csv);
        float[] pixels = OnnxRunner.pixelValues(Arrays.copyOfRange(ungzip(data.testImages()), 16,
                16 + expected.labels().length * 784));
        try (OnnxRunner r = new OnnxRunner(Files.readAllBytes(onnx))) {
            PredictCsv.Agreement all = expected.compare(r.run("pixels", pixels, expected.labels().length, 784), 0);
            assertEquals(expected.labels().length, all.labelsEqual(), all.toString());
            assertTrue(all.maxProbabilityDiff() <= 1e-5, all.toString());
            assertTrue(Arrays.stream(expected.labels()).distinct().count() >= 3, "several labels predicted");
            PredictCsv.Agreement one = expected.compare(r.run("pixels", pixels, 1, 784), 0);
            assertEquals(1, one.labelsEqual(), one.toString());
            assertTrue(one.maxProbabilityDiff() <= 1e-5, one.toString());
        }
    }

    private static byte[] ungzip(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        if (f.toString().endsWith(".gz")) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(b))) {
                return in.readAllBytes();
            }
        }
        return b;
    }

    @Test
    void exportOfAModelDirectoryPredictsAsPredictDoes() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 10, 300, 28, 28, 10, true);
        Path m = model();
        Path onnx = tmp.resolve("out/m.onnx");
        CliRunner.Outcome r = CliRunner.run("export", "--model", m.toString(), "--out", onnx.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("as ONNX to " + onnx), r.err());
        assertPredictsAsPredict(onnx, m, data, tmp);
        try (OnnxRunner o = new OnnxRunner(Files.readAllBytes(onnx))) {
            Map<String, String> meta = o.session().getMetadata().getCustomMetadata();
            assertEquals("12.5", meta.get("test_error_pct"));
            assertFalse(meta.containsKey("store_version"), "not from a store: " + meta);
        }
        assertEquals(List.of("m.onnx"), names(onnx.getParent()), "no temporary file left beside it");
    }

    @Test
    void retrainWritesModelOnnxIntoEachVersionAndExportGivesTheChampion() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 400, 200, 28, 28, 10, true);
        Path store = tmp.resolve("store");
        CliRunner.Outcome first = CliRunner.run("retrain", "--store", store.toString(), "--data", data.dir().toString(),
                "--master", "local[2]", "--partitions", "2", "--hidden", "16", "--epochs", "2", "--max-test-error",
                "100", "--quiet");
        assertEquals(0, first.exitCode(), first.err());
        Path v1 = store.resolve("versions/000001");
        Path served = v1.resolve("model.onnx");
        assertTrue(Files.isRegularFile(served), "retrain wrote " + served);
        JsonNode modelJson = new ObjectMapper().readTree(v1.resolve("model.json").toFile());
        assertEquals(ModelFiles.sha256(Files.readAllBytes(served)),
                modelJson.path("files").path("model.onnx").path("sha256").asText(), "model.json records it");
        assertPredictsAsPredict(served, v1, data, tmp);
        try (OnnxRunner o = new OnnxRunner(Files.readAllBytes(served))) {
            Map<String, String> meta = o.session().getMetadata().getCustomMetadata();
            assertEquals("000001", meta.get("store_version"));
            assertEquals(modelJson.path("data").path("train").path("images_sha256").asText(),
                    meta.get("train_images_sha256"));
            assertEquals(64, meta.get("train_images_sha256").length());
            assertEquals(modelJson.path("metrics").path("test_error_pct").asDouble(),
                    Double.parseDouble(meta.get("test_error_pct")), 0);
        }

        // export --store: the champion by default, the same bytes retrain put beside it.
        Path out = tmp.resolve("champion.onnx");
        CliRunner.Outcome e = CliRunner.run("export", "--store", store.toString(), "--out", out.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertArrayEquals(Files.readAllBytes(served), Files.readAllBytes(out));

        // --no-onnx: a version without it; export --version still makes one.
        CliRunner.Outcome second = CliRunner.run("retrain", "--store", store.toString(), "--data",
                data.dir().toString(), "--master", "local[2]", "--partitions", "2", "--hidden", "16", "--epochs", "1",
                "--from-scratch", "--max-test-error", "100", "--max-regression", "100", "--no-onnx", "--quiet");
        assertTrue(second.exitCode() == 0, second.err());
        assertFalse(Files.exists(store.resolve("versions/000002/model.onnx")));
        Path v2 = tmp.resolve("v2.onnx");
        CliRunner.Outcome e2 = CliRunner.run("export", "--store", store.toString(), "--version", "2", "--out",
                v2.toString());
        assertEquals(0, e2.exitCode(), e2.err());
        assertPredictsAsPredict(v2, store.resolve("versions/000002"), data, tmp);
    }

    @Test
    void aStoreWithoutChampionAnUnknownVersionOrAnUnwritableOutputIsOneErrorAndWritesNothing() throws Exception {
        Path store = tmp.resolve("store");
        ModelStore.at(new Configuration(), store.toString()).addVersion(SHAPE, WeightInit.initShallow(SHAPE, 1),
                ModelFiles.json().createObjectNode());
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Path out = outDir.resolve("m.onnx");
        Files.writeString(out, "an older export");

        assertOneError(new String[] {"export", "--store", store.toString(), "--out", out.toString()},
                store + ": has no champion");
        assertOneError(new String[] {"export", "--store", store.toString(), "--version", "7", "--out", out.toString()},
                store + ": has no version 000007");
        assertOneError(new String[] {"export", "--store", tmp.resolve("nowhere").toString(), "--out", out.toString()},
                tmp.resolve("nowhere") + ": no such model store");
        assertOneError(new String[] {"export", "--model", tmp.resolve("nomodel").toString(), "--out", out.toString()},
                tmp.resolve("nomodel") + ": no such model directory");
        assertEquals("an older export", Files.readString(out), "a failed export leaves the file that was there");
        assertEquals(List.of("m.onnx"), names(outDir));

        Path m = model();
        Path notADir = Files.writeString(tmp.resolve("plain-file"), "x");
        assertOneError(new String[] {"export", "--model", m.toString(), "--out", notADir.resolve("m.onnx").toString()},
                notADir.resolve("m.onnx").toString());
        assertOneError(new String[] {"export", "--model", m.toString(), "--out", outDir.toString()},
                outDir + ": is a directory");
        assertOneError(new String[] {"export", "--model", m.toString(), "--out", m.resolve("m.onnx").toString()},
                m.resolve("m.onnx").toString());
        assertEquals(List.of("model.json", "weights.bin"), names(m), "nothing written into the model");
        assertOneError(new String[] {"export", "--model", m.toString(), "--store", store.toString(), "--out",
                out.toString()}, "exactly one of --model DIR and --store PATH");
        assertEquals("an older export", Files.readString(out));
    }

    private static void assertOneError(String[] args, String expected) {
        CliRunner.Outcome r = CliRunner.run(args);
        assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(expected), lines.get(0));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
