package shallownet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.BadInputException;
import shallownet.net.NetworkShape;
import shallownet.testutil.IdxFixtures;

/** Saving and loading model directories on the local file system through Hadoop. */
class ModelFilesTest {

    private static final NetworkShape SHAPE = new NetworkShape(5, 3, 4);

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    /** W1[h][i], b1[h], W2[o][h], b2[o] as distinct, exactly representable values. */
    private static float w1(int h, int i) {
        return 1_000_000 + 1000 * h + i;
    }

    private static float b1(int h) {
        return -2_000_000 - h;
    }

    private static float w2(int o, int h) {
        return 3_000_000 + 1000 * o + h;
    }

    private static float b2(int o) {
        return -4_000_000 - o;
    }

    /** Parameters placed where the network code puts them (the offsets of NetworkShape). */
    private static float[] namedParams(NetworkShape s) {
        float[] p = new float[s.parameterCount()];
        for (int h = 0; h < s.hidden(); h++) {
            for (int i = 0; i < s.inputs(); i++) {
                p[s.w1Offset() + h * s.inputs() + i] = w1(h, i);
            }
            p[s.b1Offset() + h] = b1(h);
        }
        for (int o = 0; o < s.outputs(); o++) {
            for (int h = 0; h < s.hidden(); h++) {
                p[s.w2Offset() + o * s.hidden() + h] = w2(o, h);
            }
            p[s.b2Offset() + o] = b2(o);
        }
        return p;
    }

    /** Values whose bits a careless encoding would change. */
    private static float[] awkwardParams(NetworkShape s, int seed) {
        // Every finite edge of float32 (non-finite weights are refused on load: nonFiniteWeightsAreRefusedOnLoad).
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
            Float.MAX_VALUE, -Float.MAX_VALUE, Math.nextDown(Float.MIN_NORMAL), Math.ulp(1f), 1f / 3, -0.1f};
        float[] p = new float[s.parameterCount()];
        java.util.Random r = new java.util.Random(seed);
        for (int k = 0; k < p.length; k++) {
            p[k] = k < special.length ? special[k] : (float) r.nextGaussian();
        }
        return p;
    }

    private static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int k = 0; k < values.length; k++) {
            b[k] = Float.floatToRawIntBits(values[k]);
        }
        return b;
    }

    private ObjectNode metadata(String note) {
        ObjectNode m = ModelFiles.json().createObjectNode();
        m.put("note", note);
        return m;
    }

    private Path save(String name, float[] params, String note, boolean overwrite) throws IOException {
        Path dir = tmp.resolve(name);
        ModelFiles.save(conf, dir.toString(), SHAPE, params, metadata(note), overwrite);
        return dir;
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private List<String> hiddenNamesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    // ------------------------------------------------------------------ round trip and format

    @Test
    void nonFiniteWeightsAreRefusedOnLoad() throws Exception {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] params = awkwardParams(SHAPE, 3);
            params[params.length - 1] = bad;
            Path dir = save("bad-" + Float.floatToRawIntBits(bad), params, "non-finite", false);
            shallownet.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                    shallownet.BadInputException.class, () -> ModelFiles.load(conf, dir.toString()));
            assertTrue(e.getMessage().startsWith(dir.resolve(ModelFiles.WEIGHTS) + ": 1 of its " + params.length
                    + " weights are not finite"), e.getMessage());
            assertTrue(e.getMessage().contains("b2[" + (SHAPE.outputs() - 1) + "], is " + bad), e.getMessage());
        }
    }

    @Test
    void saveThenLoadRoundTripsShapeParametersAndMetadata() throws Exception {
        float[] params = awkwardParams(SHAPE, 7);
        Path dir = save("model", params, "round trip", false);

        SavedModel m = ModelFiles.load(conf, dir.toString());

        assertEquals(SHAPE, m.shape());
        assertArrayEquals(bits(params), bits(m.params()), "parameters bit for bit");
        assertEquals("round trip", m.metadata().path("note").asText());
    }

    @Test
    void weightsFileIsLittleEndianFloat32InTheDocumentedOrder() throws Exception {
        Path dir = save("model", namedParams(SHAPE), "layout", false);
        byte[] file = Files.readAllBytes(dir.resolve(ModelFiles.WEIGHTS));
        int ni = SHAPE.inputs();
        int nh = SHAPE.hidden();
        int no = SHAPE.outputs();

        assertEquals(4 * (nh * ni + nh + no * nh + no), file.length);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        for (int h = 0; h < nh; h++) {
            for (int i = 0; i < ni; i++) {
                assertEquals(w1(h, i), b.getFloat(4 * pos++), "W1[" + h + "][" + i + "]");
            }
        }
        for (int h = 0; h < nh; h++) {
            assertEquals(b1(h), b.getFloat(4 * pos++), "b1[" + h + "]");
        }
        for (int o = 0; o < no; o++) {
            for (int h = 0; h < nh; h++) {
                assertEquals(w2(o, h), b.getFloat(4 * pos++), "W2[" + o + "][" + h + "]");
            }
        }
        for (int o = 0; o < no; o++) {
            assertEquals(b2(o), b.getFloat(4 * pos++), "b2[" + o + "]");
        }
        assertEquals(file.length, 4 * pos);
        // W1[0][0] = 1e6 = 0x49742400: least significant byte first.
        assertArrayEquals(new byte[] {0x00, 0x24, 0x74, 0x49}, java.util.Arrays.copyOf(file, 4));
    }

    @Test
    void modelJsonHasFormatArchitectureAndWeightsDigest() throws Exception {
        Path dir = save("model", awkwardParams(SHAPE, 3), "json", false);
        JsonNode json = new ObjectMapper().readTree(dir.resolve(ModelFiles.METADATA).toFile());
        byte[] weights = Files.readAllBytes(dir.resolve(ModelFiles.WEIGHTS));

        assertEquals("shallownet-model", json.path("format").asText());
        assertEquals(1, json.path("format_version").asInt(-1));
        assertEquals(5, json.path("architecture").path("inputs").asInt());
        assertEquals(3, json.path("architecture").path("hidden").asInt());
        assertEquals(4, json.path("architecture").path("outputs").asInt());
        assertEquals("weights.bin", json.path("weights").path("file").asText());
        assertEquals("float32", json.path("weights").path("dtype").asText());
        assertEquals("little_endian", json.path("weights").path("byte_order").asText());
        assertEquals(SHAPE.parameterCount(), json.path("weights").path("count").asInt());
        assertEquals(IdxFixtures.sha256(weights), json.path("weights").path("sha256").asText());
        assertEquals("json", json.path("note").asText());
    }

    @Test
    void handEditedModelJsonStillLoads() throws Exception {
        float[] params = awkwardParams(SHAPE, 5);
        Path dir = save("model", params, "before", false);
        Path json = dir.resolve(ModelFiles.METADATA);
        ObjectNode meta = (ObjectNode) new ObjectMapper().readTree(json.toFile());
        meta.put("note", "edited by hand");
        Files.write(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));

        SavedModel m = ModelFiles.load(conf, dir.toString());

        assertEquals("edited by hand", m.metadata().path("note").asText());
        assertArrayEquals(bits(params), bits(m.params()));
    }

    // ------------------------------------------------------------------ damaged models

    @Test
    void tamperedWeightsFailTheChecksum() throws Exception {
        Path dir = save("model", awkwardParams(SHAPE, 11), "tampered", false);
        Path weights = dir.resolve(ModelFiles.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[37] ^= 0x10;
        Files.write(weights, bytes);

        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(conf, dir.toString()));
        assertTrue(e.getMessage().startsWith(weights + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void weightsOfAnotherModelFailTheChecksum() throws Exception {
        Path a = save("a", awkwardParams(SHAPE, 1), "a", false);
        Path b = save("b", awkwardParams(SHAPE, 2), "b", false);
        Files.copy(b.resolve(ModelFiles.WEIGHTS), a.resolve(ModelFiles.WEIGHTS),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(conf, a.toString()));
        assertTrue(e.getMessage().startsWith(a.resolve(ModelFiles.WEIGHTS) + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedWeightsFailWithTheExpectedSize() throws Exception {
        Path dir = save("model", awkwardParams(SHAPE, 13), "truncated", false);
        Path weights = dir.resolve(ModelFiles.WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 4));

        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(conf, dir.toString()));
        int expected = 4 * SHAPE.parameterCount();
        assertTrue(e.getMessage().startsWith(weights + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + expected + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("found " + (expected - 4)), e.getMessage());
    }

    @Test
    void missingModelDirectoryIsRejected() {
        Path dir = tmp.resolve("nothing-here");
        BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(conf, dir.toString()));
        assertTrue(e.getMessage().startsWith(dir + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("no such model directory"), e.getMessage());
    }

    // ------------------------------------------------------------------ replacing models

    @Test
    void savingOverAnExistingModelWithoutOverwriteFailsAndKeepsIt() throws Exception {
        Path dir = save("model", awkwardParams(SHAPE, 17), "first", false);
        Map<String, byte[]> before = contents(dir);

        BadInputException e = assertThrows(BadInputException.class,
                () -> save("model", awkwardParams(SHAPE, 19), "second", false));

        assertTrue(e.getMessage().startsWith(dir + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name + " changed");
        }
        assertEquals("first", ModelFiles.load(conf, dir.toString()).metadata().path("note").asText());
        assertEquals(List.of(), hiddenNamesIn(tmp));
    }

    @Test
    void savingWithOverwriteReplacesTheModelAndLeavesNoTemporaryDirectories() throws Exception {
        save("model", awkwardParams(SHAPE, 23), "first", false);
        float[] second = awkwardParams(SHAPE, 29);

        Path dir = save("model", second, "second", true);

        SavedModel m = ModelFiles.load(conf, dir.toString());
        assertEquals("second", m.metadata().path("note").asText());
        assertArrayEquals(bits(second), bits(m.params()));
        assertEquals(List.of(), hiddenNamesIn(tmp), "hidden staging or backup directories left in " + tmp);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("model"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void savingIntoANewNestedDirectoryCreatesIt() throws Exception {
        Path dir = tmp.resolve("models/run-1");
        ModelFiles.save(conf, dir.toString(), SHAPE, namedParams(SHAPE), metadata("nested"), false);

        assertEquals(SHAPE, ModelFiles.load(conf, dir.toString()).shape());
        assertEquals(List.of(), hiddenNamesIn(tmp.resolve("models")));
    }

    // ------------------------------------------------------------------ strict model.json
    // A fractional size, a size as a string, a parameter count that wraps an int and a model larger
    // than the heap: cli.ResourceMisuseTest, through predict (exit code, one line, files unchanged).

    private int edited;

    /** A saved model whose model.json is edited by {@code edit}; returns the model.json path. */
    private Path savedThenEdited(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path dir = save("model-" + edited++, awkwardParams(SHAPE, 3), "strict", false);
        Path json = dir.resolve(ModelFiles.METADATA);
        ObjectNode meta = (ObjectNode) new ObjectMapper().readTree(json.toFile());
        edit.accept(meta);
        Files.write(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
        return json;
    }

    private String loadError(Path json) {
        BadInputException e = assertThrows(BadInputException.class,
                () -> ModelFiles.load(conf, json.getParent().toString()));
        assertTrue(e.getMessage().startsWith(json + ": "), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
        return e.getMessage();
    }

    @Test
    void missingAndOutOfRangeSizesAreRefused() throws Exception {
        String missing = loadError(savedThenEdited(m -> ((ObjectNode) m.path("architecture")).remove("outputs")));
        assertTrue(missing.contains("architecture.outputs is missing"), missing);
        String tooMany = loadError(savedThenEdited(m -> ((ObjectNode) m.path("architecture")).put("outputs", 300)));
        assertTrue(tooMany.contains("architecture.outputs is 300, expected 2..256"), tooMany);
        String negative = loadError(savedThenEdited(m -> ((ObjectNode) m.path("architecture")).put("hidden", -3)));
        assertTrue(negative.contains("architecture.hidden is -3"), negative);
        String huge = loadError(savedThenEdited(m -> ((ObjectNode) m.path("architecture")).put("inputs", 1L << 40)));
        assertTrue(huge.contains("architecture.inputs is 1099511627776"), huge);
    }

    @Test
    void formatVersionMustBeTheInteger1() throws Exception {
        String msg = loadError(savedThenEdited(m -> m.put("format_version", "1")));
        assertTrue(msg.contains("unsupported model format"), msg);
    }

    @Test
    void aNewerFormatVersionSaysSoAndNamesTheVersionsThisOneReads() throws Exception {
        String msg = loadError(savedThenEdited(m -> m.put("format_version", 2)));
        assertTrue(msg.endsWith("model.json: model format version 2 was written by a newer shallownet; this one reads "
                + "versions 1 to 1"), msg);
    }

    @Test
    void recordedWeightCountMustMatchTheArchitecture() throws Exception {
        String msg = loadError(savedThenEdited(m -> ((ObjectNode) m.path("weights")).put("count", 7)));
        assertTrue(msg.contains("weights.count is 7, but a 5-3-4 network has " + SHAPE.parameterCount()), msg);
    }

    @Test
    void shapeComputesItsParameterCountInLong() {
        assertEquals(4_295_229_445L, NetworkShape.parameterCount(65536, 65537, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NetworkShape(65536, 65537, 2));
        assertTrue(e.getMessage().contains("more than one array can hold"), e.getMessage());
        assertEquals(50_890, new NetworkShape(784, 64, 10).parameterCount());
    }
}
