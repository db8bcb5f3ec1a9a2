package shallownet.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.OnnxRunner;

/**
 * The exported graph, run by ONNX Runtime, predicts what the kernel predicts: the same label for
 * every sample and softmax outputs within 1e-5, for one sample and for more than a kernel chunk;
 * on raw pixels (with the graph's scaling) and on features as given (the Spark ML model's input).
 */
class OnnxExportTest {

    private static final NetworkShape SHAPE = new NetworkShape(784, 64, 10);

    @TempDir
    Path tmp;

    /** Weights spread enough that the labels vary and no softmax is near-uniform. */
    private static float[] params(NetworkShape shape, long seed) {
        float[] p = WeightInit.initShallow(shape, seed);
        for (int i = 0; i < p.length; i++) {
            p[i] *= 4;
        }
        return p;
    }

    private static byte[] pixels(int n, int width, long seed) {
        byte[] b = new byte[n * width];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void pixelsModelGivesTheKernelsLabelsAndProbabilities() throws OrtException {
        float[] p = params(SHAPE, 7);
        byte[] onnx = OnnxExport.toBytes(SHAPE, p, OnnxExport.Input.PIXELS, "test", Map.of());
        for (int n : new int[] {1, 300}) {
            byte[] x = pixels(n, SHAPE.inputs(), n);
            int[] labels = new int[n];
            float[] probs = new float[n * SHAPE.outputs()];
            NetworkKernel.forThread(SHAPE).predict(p, x, 0, n, labels, 0, probs);
            OnnxRunner.Output out;
            try (OnnxRunner r = new OnnxRunner(onnx)) {
                out = r.run("pixels", OnnxRunner.pixelValues(x), n, SHAPE.inputs());
            }
            assertEquals(n, out.labels().length);
            double maxDiff = 0;
            Set<Long> distinct = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                assertEquals(labels[i], out.labels()[i], "label of sample " + i + " of " + n);
                distinct.add(out.labels()[i]);
                for (int c = 0; c < SHAPE.outputs(); c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(out.probabilities()[i][c] - probs[i * SHAPE.outputs() + c]));
                }
            }
            assertTrue(maxDiff <= 1e-5, "max |p(onnx) - p(kernel)| = " + maxDiff + " for N=" + n);
            if (n > 1) {
                assertTrue(distinct.size() >= 3, "the samples get several labels: " + distinct);
            }
        }
    }

    @Test
    void featuresModelUsesTheInputAsGiven() throws OrtException {
        NetworkShape shape = new NetworkShape(12, 5, 3);
        float[] p = params(shape, 3);
        int n = 40;
        Random rnd = new Random(5);
        float[] x = new float[n * shape.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3);
        }
        float[] logits = new float[n * shape.outputs()];
        NetworkKernel.forThread(shape).logits(p, x, 0, n, logits, 0);
        OnnxRunner.Output out;
        try (OnnxRunner r = new OnnxRunner(OnnxExport.toBytes(shape, p, OnnxExport.Input.FEATURES, "t", Map.of()))) {
            out = r.run("features", x, n, shape.inputs());
        }
        for (int i = 0; i < n; i++) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int c = 0; c < shape.outputs(); c++) {
                if (logits[i * 3 + c] > max) {
                    max = logits[i * 3 + c];
                    best = c;
                }
            }
            for (int c = 0; c < shape.outputs(); c++) {
                sum += Math.exp(logits[i * 3 + c] - max);
            }
            assertEquals(best, out.labels()[i], "label of sample " + i);
            for (int c = 0; c < shape.outputs(); c++) {
                assertEquals(Math.exp(logits[i * 3 + c] - max) / sum, out.probabilities()[i][c], 1e-5);
            }
        }
    }

    @Test
    void declaresItsTensorsWithADynamicBatchAndCarriesItsMetadata() throws OrtException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(OnnxMetadata.STORE_VERSION, "000003");
        meta.put(OnnxMetadata.TEST_ERROR_PCT, "2.91");
        byte[] onnx = OnnxExport.toBytes(SHAPE, params(SHAPE, 1), OnnxExport.Input.PIXELS, "1.2.3", meta);
        try (OnnxRunner r = new OnnxRunner(onnx)) {
            OnnxModelMetadata m = r.session().getMetadata();
            assertEquals("shallownet", m.getProducerName());
            assertEquals("1.2.3", producerVersion(onnx));
            assertEquals("000003", m.getCustomMetadata().get("store_version"));
            assertEquals("2.91", m.getCustomMetadata().get("test_error_pct"));
            Map<String, NodeInfo> in = r.session().getInputInfo();
            assertEquals(Set.of("pixels"), in.keySet());
            assertArrayEquals(new long[] {-1, 784}, ((TensorInfo) in.get("pixels").getInfo()).getShape());
            Map<String, NodeInfo> out = r.session().getOutputInfo();
            assertEquals(Set.of("probabilities", "label"), out.keySet());
            assertArrayEquals(new long[] {-1, 10}, ((TensorInfo) out.get("probabilities").getInfo()).getShape());
            assertArrayEquals(new long[] {-1}, ((TensorInfo) out.get("label").getInfo()).getShape());
            assertEquals(ai.onnxruntime.OnnxJavaType.INT64, ((TensorInfo) out.get("label").getInfo()).type);
        }
    }

    /** ONNX Runtime's Java metadata has no producer version; read it from the proto. */
    private static String producerVersion(byte[] onnx) {
        try {
            return shallownet.onnx.proto.Onnx.ModelProto.parseFrom(onnx).getProducerVersion();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void opset13AndTheOperatorsOfTheIssue() throws Exception {
        var m = shallownet.onnx.proto.Onnx.ModelProto.parseFrom(
                OnnxExport.toBytes(SHAPE, params(SHAPE, 1), OnnxExport.Input.PIXELS, "t", Map.of()));
        assertEquals(13, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(java.util.List.of("Mul", "Div", "Add", "Gemm", "Relu", "Gemm", "Softmax", "ArgMax"),
                m.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList());
    }

    @Test
    void metadataComesFromModelJson() throws Exception {
        var json = new ObjectMapper().readTree("{\"created\":\"2026-12-01T10:00:00Z\",\"shallownet_version\":\"0.1.0\","
                + "\"store\":{\"version\":\"000004\",\"run_id\":\"r\"},\"data\":{\"train\":{\"images_sha256\":\"aa\","
                + "\"labels_sha256\":\"bb\"}},\"metrics\":{\"test_error_pct\":3.25}}");
        assertEquals(Map.of("store_version", "000004", "train_images_sha256", "aa", "train_labels_sha256", "bb",
                "test_error_pct", "3.25", "trained_with_shallownet", "0.1.0", "created", "2026-12-01T10:00:00Z"),
                OnnxMetadata.fromModelJson(json));
        // A model directory outside a store: no store_version key rather than an empty one.
        assertTrue(!OnnxMetadata.fromModelJson(new ObjectMapper().readTree("{\"metrics\":{}}")).containsKey("store_version"));
    }

    @Test
    void refusesParametersOfAnotherShape() {
        assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.toBytes(SHAPE, new float[10], OnnxExport.Input.PIXELS, "t", Map.of()));
    }

    @Test
    void passesOnnxsOwnChecker() throws Exception {
        Path f = tmp.resolve("m.onnx");
        Files.write(f, OnnxExport.toBytes(SHAPE, params(SHAPE, 2), OnnxExport.Input.PIXELS, "t", Map.of("k", "v")));
        String out = OnnxRunner.check(f);
        assertTrue(out.contains("checker: ok"), out);
        Path g = tmp.resolve("f.onnx");
        Files.write(g, OnnxExport.toBytes(SHAPE, params(SHAPE, 2), OnnxExport.Input.FEATURES, "t", Map.of()));
        assertTrue(OnnxRunner.check(g).contains("checker: ok"));
    }
}
