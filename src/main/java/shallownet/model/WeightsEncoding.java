package shallownet.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * The one byte encoding of a network's parameters, wherever they are kept: little-endian
 * float32, in the flat layout of {@link shallownet.net.NetworkShape} (W1, b1, W2, b2). A model's
 * {@code weights.bin} is one array of it; a checkpoint's {@code state.bin} several one after
 * another (parameters, velocity, best parameters); the Spark ML model's Parquet row holds it as a
 * binary column. Each reader checks the byte count before decoding.
 */
public final class WeightsEncoding {

    /** How {@code model.json} names the encoding. */
    public static final String DTYPE = "float32";
    public static final String BYTE_ORDER = "little_endian";
    public static final int BYTES_PER_WEIGHT = 4;

    private WeightsEncoding() {
    }

    /** The arrays' bytes one after another; null arrays are left out. */
    public static byte[] encode(float[]... arrays) {
        int n = 0;
        for (float[] a : arrays) {
            n += a == null ? 0 : a.length;
        }
        ByteBuffer b = ByteBuffer.allocate(BYTES_PER_WEIGHT * n).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] a : arrays) {
            if (a != null) {
                b.asFloatBuffer().put(a);
                b.position(b.position() + BYTES_PER_WEIGHT * a.length);
            }
        }
        return b.array();
    }

    /** All of {@code bytes} as weights; their count must be a whole number of weights. */
    public static float[] decode(byte[] bytes) {
        if (bytes.length % BYTES_PER_WEIGHT != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are no whole number of float32 weights");
        }
        return next(reader(bytes), bytes.length / BYTES_PER_WEIGHT);
    }

    /** A reader of several arrays one after another ({@link #next}). */
    public static ByteBuffer reader(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The next {@code n} weights of {@code b}, which it advances past them. */
    public static float[] next(ByteBuffer b, int n) {
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        b.position(b.position() + BYTES_PER_WEIGHT * n);
        return f;
    }

    /**
     * Fills {@code params} from a stream of the encoding, feeding {@code digest} as it goes (no
     * second copy of a large model); returns how many bytes were read, less than
     * {@code 4 * params.length} only if the stream ended early.
     */
    static long readInto(InputStream in, float[] params, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 16];
        ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        int filled = 0;
        int next = 0;
        while (next < params.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                return (long) BYTES_PER_WEIGHT * next + filled;
            }
            digest.update(buffer, filled, n);
            filled += n;
            int whole = filled / BYTES_PER_WEIGHT;
            int take = Math.min(whole, params.length - next);
            view.clear();
            view.asFloatBuffer().get(params, next, take);
            next += take;
            int rest = filled - BYTES_PER_WEIGHT * take;
            System.arraycopy(buffer, BYTES_PER_WEIGHT * take, buffer, 0, rest);
            filled = rest;
        }
        return (long) BYTES_PER_WEIGHT * params.length;
    }
}
