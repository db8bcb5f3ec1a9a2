package shallownet.idx;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;

/**
 * A data directory in the standard MNIST layout: {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte},
 * each raw or with {@code .gz}. Any IDX data set with those names works. When both forms of a
 * file exist the raw one is read, and only if the {@code .gz} holds as many bytes (its gzip trailer
 * says how many): two different data sets under one name are refused rather than one of them
 * read silently. (Same-size files of different content are not told apart without reading both.)
 */
public final class DataDirectory {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final String[] FILE_NAMES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

    private DataDirectory() {
    }

    /** Path of {@code name} or {@code name.gz} in {@code dir}; a clear error when neither exists. */
    public static String locate(Configuration conf, String dir, String name) throws IOException {
        String found = find(conf, dir, name);
        if (found == null) {
            throw BadInputException.about(new Path(dir, name), "missing: expected " + name + " or "
                    + name + ".gz in the data directory");
        }
        return found;
    }

    /** Whether all four files are present (raw or gzipped), without validating them. */
    public static boolean isComplete(Configuration conf, String dir) throws IOException {
        for (String name : FILE_NAMES) {
            if (find(conf, dir, name) == null) {
                return false;
            }
        }
        return true;
    }

    private static String find(Configuration conf, String dir, String name) throws IOException {
        Path d = new Path(dir);
        FileSystem fs = d.getFileSystem(conf);
        if (fs.exists(d) && !fs.getFileStatus(d).isDirectory()) {
            throw BadInputException.about(dir, "is a file, expected a data directory");
        }
        Path raw = new Path(d, name);
        Path gz = new Path(d, name + ".gz");
        boolean hasRaw = fs.exists(raw);
        boolean hasGz = fs.exists(gz);
        if (hasRaw && hasGz) {
            long rawSize = fs.getFileStatus(raw).getLen();
            long gzSize = gzipSize(fs, gz);
            if (gzSize >= 0 && gzSize != (rawSize & 0xffffffffL)) {
                throw BadInputException.about(raw, "holds " + rawSize + " bytes, but " + gz.getName() + " beside it "
                        + "holds " + gzSize + " uncompressed: two different files under one name; remove the one "
                        + "that is not your data");
            }
        }
        return hasRaw ? raw.toString() : hasGz ? gz.toString() : null;
    }

    /** The uncompressed size mod 2^32 that a gzip file's trailer records (-1 if it has none). */
    private static long gzipSize(FileSystem fs, Path gz) throws IOException {
        long len = fs.getFileStatus(gz).getLen();
        if (len < 18) {
            return -1; // too short to be gzip: its reader reports it
        }
        byte[] t = new byte[4];
        try (FSDataInputStream in = fs.open(gz)) {
            in.readFully(len - 4, t);
        }
        return (t[0] & 0xffL) | (t[1] & 0xffL) << 8 | (t[2] & 0xffL) << 16 | (t[3] & 0xffL) << 24;
    }

    /** Validates the training pair of {@code dir}. */
    public static LabeledIdxFiles train(Configuration conf, String dir, int classes) throws IOException {
        return LabeledIdxFiles.validate(conf, locate(conf, dir, TRAIN_IMAGES), locate(conf, dir, TRAIN_LABELS), classes);
    }

    /** Validates the test pair of {@code dir}. */
    public static LabeledIdxFiles test(Configuration conf, String dir, int classes) throws IOException {
        return LabeledIdxFiles.validate(conf, locate(conf, dir, TEST_IMAGES), locate(conf, dir, TEST_LABELS), classes);
    }


    /** A set without samples trains or scores nothing (NaN metrics): refused, naming its images file. */
    public static void checkNotEmpty(LabeledIdxFiles... sets) {
        for (LabeledIdxFiles f : sets) {
            if (f.count() == 0) {
                throw BadInputException.about(f.imagesPath(), "holds no images; a training or test set needs at least one");
            }
        }
    }

    /** The test set's images must have the training images' size: the network has one input per pixel. */
    public static void checkSameImageSize(LabeledIdxFiles train, LabeledIdxFiles test) {
        if (test.pixelsPerImage() != train.pixelsPerImage()) {
            throw BadInputException.about(test.imagesPath(), "images are " + test.rows() + "x" + test.cols()
                    + ", the training images " + train.rows() + "x" + train.cols());
        }
    }
}
