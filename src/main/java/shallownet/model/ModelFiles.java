package shallownet.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;
import shallownet.HadoopFiles;
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
            throw BadInputException.about(dir, "already exists; choose another --model-out or pass --overwrite");
        }
        if (fs.exists(p) && !fs.getFileStatus(p).isDirectory()) {
            throw BadInputException.about(dir, "exists and is not a model directory");
        }
    }

    public static void save(Configuration conf, String dir, NetworkShape shape, float[] params,
                            ObjectNode metadata, boolean overwrite) throws IOException {
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
            w.put("dtype", "float32");
            w.put("byte_order", "little_endian");
            w.put("layout", "W1[hidden][inputs], b1[hidden], W2[outputs][hidden], b2[outputs]");
            w.put("count", params.length);
            w.put("sha256", sha256(weights));
            try (OutputStream out = fs.create(new Path(staging, WEIGHTS), false)) {
                out.write(weights);
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
        if (!FORMAT.equals(meta.path("format").asText()) || meta.path("format_version").asInt() != FORMAT_VERSION) {
            throw BadInputException.about(metaPath, "unsupported model format: expected " + FORMAT + " version "
                    + FORMAT_VERSION + ", found " + meta.path("format").asText("?") + " version "
                    + meta.path("format_version").asText("?"));
        }
        JsonNode arch = meta.path("architecture");
        NetworkShape shape;
        try {
            shape = new NetworkShape(arch.path("inputs").asInt(), arch.path("hidden").asInt(), arch.path("outputs").asInt());
        } catch (IllegalArgumentException e) {
            throw BadInputException.about(metaPath, "bad architecture: " + e.getMessage());
        }
        long expectedBytes = 4L * shape.parameterCount();
        long actual = fs.getFileStatus(weightsPath).getLen();
        if (actual != expectedBytes) {
            throw BadInputException.about(weightsPath, "expected " + expectedBytes + " bytes (" + shape.parameterCount()
                    + " float32 for a " + shape + " network), found " + actual);
        }
        byte[] bytes = new byte[(int) expectedBytes];
        try (var in = fs.open(weightsPath)) {
            in.readFully(0, bytes);
        }
        String sha = sha256(bytes);
        String recorded = meta.path("weights").path("sha256").asText();
        if (!sha.equals(recorded)) {
            throw BadInputException.about(weightsPath, "checksum mismatch: model.json records sha256 " + recorded
                    + ", the file has " + sha);
        }
        return new SavedModel(shape, fromBytes(bytes), meta);
    }

    public static byte[] toBytes(float[] params) {
        ByteBuffer b = ByteBuffer.allocate(4 * params.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(params);
        return b.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        float[] p = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(p);
        return p;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
