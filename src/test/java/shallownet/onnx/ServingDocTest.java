package shallownet.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.Docs;
import shallownet.testutil.StandaloneCluster;

/** The Java serving example of docs/serving.md, verbatim (checked), run on an exported model. */
class ServingDocTest {

    @TempDir
    Path tmp;

    // docs/serving.md begin
    static long[] serve(String modelFile, float[][] images) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(modelFile, new OrtSession.SessionOptions());
             OnnxTensor pixels = OnnxTensor.createTensor(env, images); // float32 [N, 784], raw 0..255
             OrtSession.Result result = session.run(Map.of("pixels", pixels))) {
            float[][] probabilities = (float[][]) result.get("probabilities").get().getValue();
            long[] labels = (long[]) result.get("label").get().getValue();
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            System.out.println("version " + meta.get("store_version") + ": image 0 is a " + labels[0]
                    + " (p = " + probabilities[0][(int) labels[0]] + ")");
            return labels;
        }
    }
    // docs/serving.md end

    @Test
    void theServingExampleGivesTheKernelsLabels() throws Exception {
        NetworkShape shape = new NetworkShape(784, 64, 10);
        float[] p = WeightInit.initShallow(shape, 4);
        for (int i = 0; i < p.length; i++) {
            p[i] *= 4;
        }
        Path file = tmp.resolve("champion.onnx");
        Files.write(file, OnnxExport.toBytes(shape, p, OnnxExport.Input.PIXELS, "t",
                Map.of(OnnxMetadata.STORE_VERSION, "000001")));
        int n = 50;
        byte[] pixels = new byte[n * 784];
        new Random(9).nextBytes(pixels);
        float[][] images = new float[n][784];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 784; j++) {
                images[i][j] = pixels[i * 784 + j] & 0xff;
            }
        }
        int[] expected = new int[n];
        NetworkKernel.forThread(shape).predict(p, pixels, 0, n, expected, 0, null);
        long[] labels = serve(file.toString(), images);
        long[] asLong = new long[n];
        for (int i = 0; i < n; i++) {
            asLong[i] = expected[i];
        }
        assertArrayEquals(asLong, labels);
    }

    @Test
    void docsServingShowsThisCode() throws Exception {
        String source = Files.readString(StandaloneCluster.projectDir()
                .resolve("src/test/java/shallownet/onnx/ServingDocTest.java"));
        String begin = "    // docs/serving.md begin\n";
        String code = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("    // docs/serving.md end"));
        String shown = code.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .reduce("", (a, b) -> a + b + "\n");
        List<String> blocks = Docs.codeBlocks("docs/serving.md", "From Java");
        String block = blocks.get(blocks.size() - 1);
        assertTrue(block.endsWith("\n\n" + shown), "docs/serving.md's Java example differs from ServingDocTest.serve:\n"
                + shown + "\nthe page shows:\n" + block);
        String imports = block.substring(0, block.length() - shown.length()).strip();
        assertTrue(imports.lines().allMatch(l -> l.startsWith("import ") && l.endsWith(";")), imports);
        assertEquals(List.of(), imports.lines().filter(l -> !source.contains(l + "\n")).toList(),
                "the page's imports are the test's");
    }
}
