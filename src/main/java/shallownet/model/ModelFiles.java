package shallownet.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;
import shallownet.HadoopFiles;
import static shallownet.SettingWords.setting;
import shallownet.MemorySize;
import shallownet.net.NetworkShape;

/**
 * A model directory on any Hadoop file system: {@code model.json} (architecture, recipe, data
 * fingerprints, metrics, format version, SHA-256 of the weights) and {@code weights.bin}, the
 * flat parameters as little-endian float32 in the order W1 (hidden x inputs, row-major), b1,
 * W2 (outputs x hidden, row-major), b2.
 *
 * <p>A model is written into a hidden sibling directory and renamed into place, so a failed or
 * interrupted save never leaves a half-written model under the target name, and an existing
 * model is only replaced ({@code overwrite}) once the new one is complete.
 */
public final class ModelFiles {

    public static final String FORMAT = "shallownet-model";
    public static final int FORMAT_VERSION = 1;
    public static final String METADATA = "model.json";
    public static final String WEIGHTS = "weights.bin";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** Fails early, before any training, if {@code dir} cannot be written as asked. */
    public static void checkWritable(Configuration conf, String dir, boolean overwrite) throws IOException {
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(conf);
        if (fs.exists(p) && !overwrite) {
            throw BadInputException.about(dir, "already exists; choose another ", setting("modelOut"), " or pass ",
                    setting("overwrite"));
        }
        if (fs.exists(p) && !fs.getFileStatus(p).isDirectory()) {
            throw BadInputException.about(dir, "exists and is not a model directory");
        }
    }

    public static void save(Configuration conf, String dir, NetworkShape shape, float[] params,
                            ObjectNode metadata, boolean overwrite) throws IOException {
        save(conf, dir, shape, params, metadata, overwrite, Map.of());
    }

    /**
     * {@link #save(Configuration, String, NetworkShape, float[], ObjectNode, boolean)} with more
     * files in the directory (e.g. the model as ONNX), written into the staging directory with
     * the rest, so the model appears with them or not at all; model.json lists each with its
     * size and SHA-256 under {@code files}.
     */
    public static void save(Configuration conf, String dir, NetworkShape shape, float[] params,
                            ObjectNode metadata, boolean overwrite, Map<String, byte[]> extraFiles) throws IOException {
        for (String name : extraFiles.keySet()) {
            if (name.equals(METADATA) || name.equals(WEIGHTS) || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("not a name for an extra file of a model: " + name);
            }
        }
        if (params.length != shape.parameterCount()) {
            throw new IllegalArgumentException("expected " + shape.parameterCount() + " parameters, got " + params.length);
        }
        Path target = new Path(dir);
        FileSystem fs = HadoopFiles.of(target, conf);
        checkWritable(conf, dir, overwrite);
        Path parent = target.getParent();
        if (parent != null) {
            fs.mkdirs(parent);
        }
        String token = UUID.randomUUID().toString();
        Path staging = new Path(parent, "." + target.getName() + ".tmp-" + token);
        try {
            fs.mkdirs(staging);
            byte[] weights = toBytes(params);
            ObjectNode meta = metadata.deepCopy();
            meta.put("format", FORMAT);
            meta.put("format_version", FORMAT_VERSION);
            ObjectNode arch = meta.putObject("architecture");
            arch.put("inputs", shape.inputs());
            arch.put("hidden", shape.hidden());
            arch.put("outputs", shape.outputs());
            arch.put("hidden_activation", "relu");
            arch.put("output_activation", "softmax");
            arch.put("loss", "cross_entropy");
            arch.put("input_scaling", "-1 + 2*x/255 of uint8 pixels");
            ObjectNode w = meta.putObject("weights");
            w.put("file", WEIGHTS);
            w.put("dtype", WeightsEncoding.DTYPE);
            w.put("byte_order", WeightsEncoding.BYTE_ORDER);
            w.put("layout", "W1[hidden][inputs], b1[hidden], W2[outputs][hidden], b2[outputs]");
            w.put("count", params.length);
            w.put("sha256", sha256(weights));
            try (OutputStream out = fs.create(new Path(staging, WEIGHTS), false)) {
                out.write(weights);
            }
            if (!extraFiles.isEmpty()) {
                ObjectNode files = meta.putObject("files");
                for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(extraFiles).entrySet()) {
                    files.putObject(e.getKey()).put("bytes", e.getValue().length).put("sha256", sha256(e.getValue()));
                    try (OutputStream out = fs.create(new Path(staging, e.getKey()), false)) {
                        out.write(e.getValue());
                    }
                }
            }
            try (OutputStream out = fs.create(new Path(staging, METADATA), false)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(out, meta);
            }
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(parent, "." + target.getName() + ".old-" + token);
                rename(fs, target, old);
            }
            rename(fs, staging, target);
            if (old != null) {
                fs.delete(old, true);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }

    /**
     * The network shape a model directory's {@code model.json} declares, checked as strictly as
     * {@link #load} does, without reading the weights (to size a run before allocating it).
     */
    public static NetworkShape readShape(Configuration conf, String dir) throws IOException {
        Path d = new Path(dir);
        Path metaPath = new Path(d, METADATA);
        FileSystem fs = HadoopFiles.of(d, conf);
        if (!fs.exists(metaPath)) {
            throw BadInputException.about(dir, fs.exists(d) ? "not a model directory: expected " + METADATA + " and "
                    + WEIGHTS : "no such model directory");
        }
        try (InputStream in = fs.open(metaPath)) {
            return architecture(metaPath, JSON.readTree(in).path("architecture"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BadInputException.about(metaPath, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /**
     * Whether {@code dir} holds a model of this format (its model.json is a JSON object of this
     * format, any version): what {@code --overwrite} may replace.
     */
    public static boolean isModel(FileSystem fs, Path dir) throws IOException {
        Path meta = new Path(dir, METADATA);
        org.apache.hadoop.fs.FileStatus st;
        try {
            st = fs.getFileStatus(meta);
        } catch (java.io.FileNotFoundException e) {
            return false;
        }
        if (!st.isFile() || st.getLen() > 64L << 20) {
            return false;
        }
        try (InputStream in = fs.open(meta)) {
            JsonNode n = JSON.readTree(in);
            return n != null && n.isObject() && FORMAT.equals(n.path("format").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    public static SavedModel load(Configuration conf, String dir) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = HadoopFiles.of(d, conf);
        Path metaPath = new Path(d, METADATA);
        Path weightsPath = new Path(d, WEIGHTS);
        if (!fs.exists(d)) {
            throw BadInputException.about(dir, "no such model directory");
        }
        if (!fs.exists(metaPath) || !fs.exists(weightsPath)) {
            throw BadInputException.about(dir, "not a model directory: expected " + METADATA + " and " + WEIGHTS);
        }
        ObjectNode meta;
        try (InputStream in = fs.open(metaPath)) {
            JsonNode node = JSON.readTree(in);
            if (!(node instanceof ObjectNode o)) {
                throw BadInputException.about(metaPath, "not a JSON object");
            }
            meta = o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw BadInputException.about(metaPath, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode version = meta.path("format_version");
        if (!FORMAT.equals(meta.path("format").asText()) || !version.isIntegralNumber() || !version.canConvertToInt()
                || version.intValue() < 1) {
            throw BadInputException.about(metaPath, "unsupported model format: expected " + FORMAT + " version 1 to "
                    + FORMAT_VERSION + ", found " + meta.path("format").asText("?") + " version "
                    + (version.isMissingNode() ? "?" : version.toString()));
        }
        // One reader per format version: a later format adds its case and keeps reading this one.
        return switch (version.intValue()) {
            case 1 -> loadVersion1(fs, metaPath, weightsPath, meta);
            default -> throw BadInputException.about(metaPath, "model format version " + version.intValue()
                    + " was written by a newer shallownet; this one reads versions 1 to " + FORMAT_VERSION);
        };
    }

    /** Format 1: model.json's architecture and weights section, weights.bin in {@link WeightsEncoding}. */
    private static SavedModel loadVersion1(FileSystem fs, Path metaPath, Path weightsPath, ObjectNode meta)
            throws IOException {
        NetworkShape shape = architecture(metaPath, meta.path("architecture"));
        long count = shape.parameterCount();
        JsonNode recordedCount = meta.path("weights").path("count");
        if (!recordedCount.isMissingNode() && !(recordedCount.isIntegralNumber() && recordedCount.canConvertToLong()
                && recordedCount.longValue() == count)) {
            throw BadInputException.about(metaPath, "weights.count is " + recordedCount + ", but a " + shape
                    + " network has " + count + " parameters");
        }
        long expectedBytes = 4L * count;
        long actual = fs.getFileStatus(weightsPath).getLen();
        if (actual != expectedBytes) {
            throw BadInputException.about(weightsPath, "expected " + expectedBytes + " bytes (" + count
                    + " float32 for a " + shape + " network), found " + actual);
        }
        checkFitsInMemory(metaPath, shape, expectedBytes);
        float[] params = new float[(int) count];
        MessageDigest digest = newSha256();
        try (InputStream in = fs.open(weightsPath)) {
            readFloats(in, params, digest, weightsPath);
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        String recorded = meta.path("weights").path("sha256").asText();
        if (!sha.equals(recorded)) {
            throw BadInputException.about(weightsPath, "checksum mismatch: model.json records sha256 " + recorded
                    + ", the file has " + sha);
        }
        checkFinite(weightsPath, shape, params);
        return new SavedModel(shape, params, meta);
    }

    /**
     * A NaN or infinite weight makes every prediction NaN (label 0 for every image, loss NaN):
     * such a model is refused where it is loaded, by every command, naming the first bad weight.
     */
    public static void checkFinite(Path weightsPath, NetworkShape shape, float[] params) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad > 0) {
            throw BadInputException.about(weightsPath, bad + " of its " + params.length + " weights are not finite"
                    + " (the first, " + parameterName(shape, first) + ", is " + params[first] + "): the model cannot"
                    + " score anything; train it again or use another model");
        }
    }

    /** {@code W1[h][i]}, {@code b1[h]}, {@code W2[o][h]} or {@code b2[o]}: parameter {@code i} of the layout. */
    static String parameterName(NetworkShape shape, int i) {
        int w1 = shape.hidden() * shape.inputs();
        int b1 = w1 + shape.hidden();
        int w2 = b1 + shape.outputs() * shape.hidden();
        if (i < w1) {
            return "W1[" + i / shape.inputs() + "][" + i % shape.inputs() + "]";
        }
        if (i < b1) {
            return "b1[" + (i - w1) + "]";
        }
        if (i < w2) {
            return "W2[" + (i - b1) / shape.hidden() + "][" + (i - b1) % shape.hidden() + "]";
        }
        return "b2[" + (i - w2) + "]";
    }

    /** Largest input layer accepted: far beyond any digit image (a 2048x2048 picture has 2^22 pixels). */
    public static final int MAX_INPUTS = 1 << 22;
    /** Labels are unsigned bytes, so no model has more than 256 classes. */
    public static final int MAX_OUTPUTS = 256;

    /**
     * The architecture's sizes, strictly: JSON integers (not {@code 784.9}, not {@code "784"}),
     * inputs in 1..{@value #MAX_INPUTS}, hidden at least 1, outputs in 2..{@value #MAX_OUTPUTS},
     * and a parameter count (computed in long) that fits one array.
     */
    static NetworkShape architecture(Path metaPath, JsonNode arch) {
        int inputs = sizeField(metaPath, arch, "inputs", 1, MAX_INPUTS);
        int hidden = sizeField(metaPath, arch, "hidden", 1, Integer.MAX_VALUE);
        int outputs = sizeField(metaPath, arch, "outputs", 2, MAX_OUTPUTS);
        try {
            return new NetworkShape(inputs, hidden, outputs);
        } catch (IllegalArgumentException e) {
            throw BadInputException.about(metaPath, "bad architecture: " + e.getMessage());
        }
    }

    private static int sizeField(Path metaPath, JsonNode arch, String name, int min, int max) {
        JsonNode n = arch.path(name);
        if (n.isMissingNode() || n.isNull()) {
            throw BadInputException.about(metaPath, "bad architecture: architecture." + name + " is missing");
        }
        if (!n.isIntegralNumber()) {
            throw BadInputException.about(metaPath, "bad architecture: architecture." + name + " is " + n
                    + ", expected an integer");
        }
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw BadInputException.about(metaPath, "bad architecture: architecture." + name + " is " + n
                    + ", expected " + min + ".." + max);
        }
        return n.intValue();
    }

    /**
     * Refuses, before allocating, weights that this JVM cannot hold: their float array plus a
     * quarter for the rest of the command (a read buffer, the caller's copies are its own).
     */
    private static void checkFitsInMemory(Path metaPath, NetworkShape shape, long bytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes + bytes / 4 > free) {
            throw BadInputException.about(metaPath, "a " + shape + " network's " + shape.parameterCount()
                    + " weights need " + MemorySize.format(bytes) + ", more than the " + MemorySize.format(free)
                    + " this JVM has free (raise ", setting("driverMemory"), ")");
        }
    }

    /** Fills {@code params} from {@code file}'s weights, feeding the digest as it goes. */
    private static void readFloats(InputStream in, float[] params, MessageDigest digest, Path file) throws IOException {
        long read = WeightsEncoding.readInto(in, params, digest);
        if (read < (long) WeightsEncoding.BYTES_PER_WEIGHT * params.length) {
            throw BadInputException.about(file, "ended after " + read + " bytes, expected "
                    + (long) WeightsEncoding.BYTES_PER_WEIGHT * params.length);
        }
    }

    /** The weights' bytes ({@link WeightsEncoding}), e.g. to name a model by their SHA-256. */
    public static byte[] toBytes(float[] params) {
        return WeightsEncoding.encode(params);
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
