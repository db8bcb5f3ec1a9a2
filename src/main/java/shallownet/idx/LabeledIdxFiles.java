package shallownet.idx;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import shallownet.BadInputException;

/**
 * A checked pair of IDX files: images ({@code count x rows x cols} unsigned bytes) and their
 * labels ({@code count} unsigned bytes below {@code classes}), with the SHA-256 of each file's
 * uncompressed content (the data fingerprint recorded in models; for MNIST these are the
 * well-known digests of the original files whether they are stored raw or gzipped).
 */
public record LabeledIdxFiles(String imagesPath, String labelsPath, int count, int rows, int cols,
                              String imagesSha256, String labelsSha256) implements Serializable {

    public int pixelsPerImage() {
        return rows * cols;
    }

    /**
     * Reads both files completely and checks magic numbers, dimensions, that the counts agree,
     * that no file is truncated or longer than its header says, and that every label is below
     * {@code classes}. Any problem is a {@link BadInputException} naming the file.
     */
    public static LabeledIdxFiles validate(Configuration conf, String imagesPath, String labelsPath,
                                           int classes) throws IOException {
        IdxHeader images;
        String imagesSha;
        try (IdxFile.Opened in = IdxFile.open(conf, imagesPath, 3, 0)) {
            images = in.header();
            imagesSha = checkDataAndDigest(in, imagesPath, null, classes);
        }
        IdxHeader labels;
        String labelsSha;
        try (IdxFile.Opened in = IdxFile.open(conf, labelsPath, 1, 0)) {
            labels = in.header();
            if (labels.count() != images.count()) {
                throw BadInputException.about(labelsPath, "holds " + labels.count() + " labels, but "
                        + imagesPath + " holds " + images.count() + " images");
            }
            labelsSha = checkDataAndDigest(in, labelsPath, labels, classes);
        }
        return new LabeledIdxFiles(imagesPath, labelsPath, images.count(), images.sizes()[1],
                images.sizes()[2], imagesSha, labelsSha);
    }

    /** Streams the data, checking its length (and labels if {@code labelHeader} is set). */
    private static String checkDataAndDigest(IdxFile.Opened in, String path, IdxHeader labelHeader,
                                             int classes) throws IOException {
        IdxHeader header = in.header();
        MessageDigest sha = sha256();
        sha.update(headerBytes(header));
        byte[] buffer = new byte[1 << 16];
        long expected = header.dataBytes();
        long seen = 0;
        DataInputStream data = in.in();
        int n;
        while ((n = data.read(buffer)) > 0) {
            if (labelHeader != null) {
                for (int i = 0; i < n && seen + i < expected; i++) {
                    int label = buffer[i] & 0xff;
                    if (label >= classes) {
                        throw BadInputException.about(path, "label " + label + " at record " + (seen + i)
                                + " is out of range: expected 0.." + (classes - 1));
                    }
                }
            }
            sha.update(buffer, 0, n);
            seen += n;
            if (seen > expected) {
                throw BadInputException.about(path, "longer than its header says: expected "
                        + expected + " data bytes (" + header.count() + " records of "
                        + header.recordBytes() + " bytes), found more");
            }
        }
        if (seen < expected) {
            throw BadInputException.about(path, "truncated: expected " + expected + " data bytes ("
                    + header.count() + " records of " + header.recordBytes() + " bytes), found " + seen);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] headerBytes(IdxHeader header) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) header.headerBytes());
        b.putInt(IdxHeader.magicFor(header.dimensions()));
        for (int size : header.sizes()) {
            b.putInt(size);
        }
        return b.array();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
