package shallownet.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Small IDX files for tests: image files ({@code count x rows x cols} unsigned bytes, magic
 * {@code 0x00000803}) and label files ({@code count} unsigned bytes, magic {@code 0x00000801}),
 * with deterministic content, written raw or gzipped.
 *
 * <p>The content is a pure function of the sample index, so a test can say what sample
 * {@code n} must look like without keeping the bytes: {@link #pixel(long)} of the absolute
 * pixel index {@code n * rows * cols + p} and {@link #label(int, int)}. Both are hashes, not
 * short cycles, so reading from the wrong offset shows.
 *
 * <p>Build the bytes ({@link #imageFile}, {@link #labelFile}, {@link #idx} for any header), change
 * them if the test needs a malformed file ({@link #truncate}, {@link #append}, {@link #withInt}),
 * then {@link #write} them: a name ending in {@code .gz} is gzipped, as the reader expects.
 */
public final class IdxFixtures {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    /** Bytes before the data of an image file: the magic and three sizes. */
    public static final int IMAGES_HEADER_BYTES = 16;
    /** Bytes before the data of a label file: the magic and the count. */
    public static final int LABELS_HEADER_BYTES = 8;

    private IdxFixtures() {
    }

    // ---------------------------------------------------------------- content

    /** The value of pixel {@code index}, counted over the whole file's data (sample-major). */
    public static byte pixel(long index) {
        return (byte) (mix(index * 2 + 1) >>> 56);
    }

    /** The label of sample {@code n} in a data set of {@code classes} classes. */
    public static int label(int n, int classes) {
        return (int) Long.remainderUnsigned(mix(n * 2L), classes);
    }

    /** The pixels of samples {@code [first, first + n)} of images of {@code pixelsPerImage} pixels. */
    public static byte[] pixels(int first, int n, int pixelsPerImage) {
        byte[] out = new byte[Math.multiplyExact(n, pixelsPerImage)];
        long base = (long) first * pixelsPerImage;
        for (int i = 0; i < out.length; i++) {
            out[i] = pixel(base + i);
        }
        return out;
    }

    /** The labels of samples {@code [first, first + n)}. */
    public static byte[] labels(int first, int n, int classes) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) label(first + i, classes);
        }
        return out;
    }

    private static long mix(long z) {
        // SplitMix64's finaliser: a fixed, well-spread function of the index.
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // ---------------------------------------------------------------- file bytes

    /** An IDX file: big-endian {@code magic}, the big-endian {@code sizes}, then {@code data} as given. */
    public static byte[] idx(int magic, int[] sizes, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
        b.putInt(magic);
        for (int s : sizes) {
            b.putInt(s);
        }
        b.put(data);
        return b.array();
    }

    /** A valid image file of {@code count} images of {@code rows x cols} pixels. */
    public static byte[] imageFile(int count, int rows, int cols) {
        return idx(IMAGES_MAGIC, new int[] {count, rows, cols}, pixels(0, count, rows * cols));
    }

    /** A valid label file of {@code count} labels below {@code classes}. */
    public static byte[] labelFile(int count, int classes) {
        return labelFile(labels(0, count, classes));
    }

    /** A label file holding exactly these labels (values are not checked: any byte goes). */
    public static byte[] labelFile(byte[] labels) {
        return idx(LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    /** The first {@code length} bytes. */
    public static byte[] truncate(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    /** {@code bytes} followed by {@code extra}. */
    public static byte[] append(byte[] bytes, byte... extra) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, out, bytes.length, extra.length);
        return out;
    }

    /** A copy with the big-endian int at {@code offset} replaced (0: the magic, 4: the count, ...). */
    public static byte[] withInt(byte[] bytes, int offset, int value) {
        byte[] out = bytes.clone();
        ByteBuffer.wrap(out).putInt(offset, value);
        return out;
    }

    /** A copy with the byte at {@code offset} replaced. */
    public static byte[] withByte(byte[] bytes, int offset, int value) {
        byte[] out = bytes.clone();
        out[offset] = (byte) value;
        return out;
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- files

    /**
     * Writes {@code content} (the uncompressed IDX bytes) to {@code file}, gzipped when the name
     * ends in {@code .gz}, creating parent directories. Use {@link Files#write} for exact bytes.
     */
    public static Path write(Path file, byte[] content) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return Files.write(file, file.getFileName().toString().endsWith(".gz") ? gzip(content) : content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A data directory in the MNIST layout ({@code train-images-idx3-ubyte}, ...; with {@code .gz}
     * when {@code gzip}) of valid files: {@code trainCount} and {@code testCount} images of
     * {@code rows x cols} pixels, labels below {@code classes}. The test set's content is that of
     * a fresh file ({@link #imageFile}), like the training set's.
     */
    public static DataSet writeDataDirectory(Path dir, int trainCount, int testCount, int rows, int cols,
                                             int classes, boolean gzip) {
        String ext = gzip ? ".gz" : "";
        DataSet d = new DataSet(dir, dir.resolve("train-images-idx3-ubyte" + ext),
                dir.resolve("train-labels-idx1-ubyte" + ext), dir.resolve("t10k-images-idx3-ubyte" + ext),
                dir.resolve("t10k-labels-idx1-ubyte" + ext));
        write(d.trainImages(), imageFile(trainCount, rows, cols));
        write(d.trainLabels(), labelFile(trainCount, classes));
        write(d.testImages(), imageFile(testCount, rows, cols));
        write(d.testLabels(), labelFile(testCount, classes));
        return d;
    }

    /** The four files of a data directory written by {@link #writeDataDirectory}. */
    public record DataSet(Path dir, Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    }
}
