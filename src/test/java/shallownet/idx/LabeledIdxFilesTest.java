package shallownet.idx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shallownet.testutil.IdxFixtures.IMAGES_HEADER_BYTES;
import static shallownet.testutil.IdxFixtures.LABELS_HEADER_BYTES;
import static shallownet.testutil.IdxFixtures.append;
import static shallownet.testutil.IdxFixtures.gzip;
import static shallownet.testutil.IdxFixtures.imageFile;
import static shallownet.testutil.IdxFixtures.labelFile;
import static shallownet.testutil.IdxFixtures.labels;
import static shallownet.testutil.IdxFixtures.truncate;
import static shallownet.testutil.IdxFixtures.withByte;
import static shallownet.testutil.IdxFixtures.withInt;
import static shallownet.testutil.IdxFixtures.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import shallownet.BadInputException;
import shallownet.testutil.IdxFixtures;

/** Validation of IDX image/label pairs and the data directory layout, on real local files. */
class LabeledIdxFilesTest {

    private static final int COUNT = 7;
    private static final int ROWS = 3;
    private static final int COLS = 4;
    private static final int CLASSES = 10;
    /** Data bytes of the image file: 7 images of 12 pixels. */
    private static final int IMAGE_DATA = COUNT * ROWS * COLS;

    @TempDir
    Path tmp;

    private Configuration conf;
    private byte[] images;
    private byte[] labels;

    @BeforeEach
    void setUp() {
        conf = new Configuration();
        images = imageFile(COUNT, ROWS, COLS);
        labels = labelFile(COUNT, CLASSES);
    }

    private LabeledIdxFiles validate(Path imagesFile, Path labelsFile) throws IOException {
        return validate(imagesFile, labelsFile, CLASSES);
    }

    private LabeledIdxFiles validate(Path imagesFile, Path labelsFile, int classes) throws IOException {
        return LabeledIdxFiles.validate(conf, imagesFile.toString(), labelsFile.toString(), classes);
    }

    /** Validation fails with a message that starts with {@code file} and holds every fragment. */
    private BadInputException assertRejected(Path imagesFile, Path labelsFile, Path file, String... fragments) {
        BadInputException e = assertThrows(BadInputException.class, () -> validate(imagesFile, labelsFile));
        assertMessage(e, file, fragments);
        return e;
    }

    static void assertMessage(BadInputException e, Path file, String... fragments) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": "), () -> "message should start with the file: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "message should contain '" + f + "': " + m);
        }
        assertFalse(m.contains("(null)"), () -> "message has an empty detail: " + m);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    // ------------------------------------------------------------------ valid pairs

    @Test
    void validRawPairHasShapeAndDigestsOfTheFiles() throws Exception {
        Path img = write(tmp.resolve("images"), images);
        Path lbl = write(tmp.resolve("labels"), labels);

        LabeledIdxFiles f = validate(img, lbl);

        assertEquals(img.toString(), f.imagesPath());
        assertEquals(lbl.toString(), f.labelsPath());
        assertEquals(COUNT, f.count());
        assertEquals(ROWS, f.rows());
        assertEquals(COLS, f.cols());
        assertEquals(ROWS * COLS, f.pixelsPerImage());
        assertEquals(sha256(Files.readAllBytes(img)), f.imagesSha256());
        assertEquals(sha256(Files.readAllBytes(lbl)), f.labelsSha256());
    }

    @Test
    void validGzipPairHasTheDigestsOfTheUncompressedContent() throws Exception {
        Path img = write(tmp.resolve("images.gz"), images);
        Path lbl = write(tmp.resolve("labels.gz"), labels);
        assertNotEquals(sha256(Files.readAllBytes(img)), sha256(images), "the fixture should really gzip");

        LabeledIdxFiles gz = validate(img, lbl);
        LabeledIdxFiles raw = validate(write(tmp.resolve("images"), images), write(tmp.resolve("labels"), labels));

        assertEquals(COUNT, gz.count());
        assertEquals(ROWS, gz.rows());
        assertEquals(COLS, gz.cols());
        assertEquals(sha256(images), gz.imagesSha256());
        assertEquals(sha256(labels), gz.labelsSha256());
        assertEquals(raw.imagesSha256(), gz.imagesSha256());
        assertEquals(raw.labelsSha256(), gz.labelsSha256());
    }

    @Test
    void rawImagesWithGzippedLabelsValidate() throws Exception {
        LabeledIdxFiles f = validate(write(tmp.resolve("images"), images), write(tmp.resolve("labels.gz"), labels));
        assertEquals(COUNT, f.count());
        assertEquals(sha256(labels), f.labelsSha256());
    }

    @Test
    void everyLabelBelowClassesIsAccepted() throws Exception {
        byte[] all = new byte[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            all[c] = (byte) c;
        }
        Path img = write(tmp.resolve("images"), imageFile(CLASSES, 2, 2));
        LabeledIdxFiles f = validate(img, write(tmp.resolve("labels"), labelFile(all)));
        assertEquals(CLASSES, f.count());
    }

    // ------------------------------------------------------------------ headers

    @ParameterizedTest(name = "images magic 0x{0}")
    @ValueSource(strings = {
        "00000801", // a label file given as images
        "00000903", // signed bytes
        "00000D03", // floats
        "03080000", // written little-endian
        "1F8B0800", // gzip data in a file without .gz
    })
    void wrongImagesMagicIsRejected(String magicHex) throws Exception {
        int magic = Integer.parseUnsignedInt(magicHex, 16);
        Path img = write(tmp.resolve("images"), withInt(images, 0, magic));
        assertRejected(img, write(tmp.resolve("labels"), labels), img,
                "bad IDX magic number", "expected 0x00000803", "found 0x" + magicHex);
    }

    @ParameterizedTest(name = "labels magic 0x{0}")
    @ValueSource(strings = {"00000803", "00000800", "01080000"})
    void wrongLabelsMagicIsRejected(String magicHex) throws Exception {
        int magic = Integer.parseUnsignedInt(magicHex, 16);
        Path lbl = write(tmp.resolve("labels"), withInt(labels, 0, magic));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl,
                "bad IDX magic number", "expected 0x00000801", "found 0x" + magicHex);
    }

    @Test
    void imagesAndLabelsSwappedAreRejectedAtTheImages() throws Exception {
        Path img = write(tmp.resolve("images"), images);
        Path lbl = write(tmp.resolve("labels"), labels);
        assertRejected(lbl, img, lbl, "bad IDX magic number");
    }

    @ParameterizedTest(name = "images header cut to {0} bytes")
    @CsvSource({"4, 4", "8, 8", "12, 12", "15, 12"})
    void truncatedImagesHeaderIsRejected(int length, int complete) throws Exception {
        Path img = write(tmp.resolve("images"), truncate(images, length));
        assertRejected(img, write(tmp.resolve("labels"), labels), img,
                "truncated IDX header", "expected 16 bytes, found " + complete);
    }

    @Test
    void truncatedLabelsHeaderIsRejected() throws Exception {
        Path lbl = write(tmp.resolve("labels"), truncate(labels, 6));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl,
                "truncated IDX header", "expected 8 bytes, found 4");
    }

    @Test
    void fileShorterThanTheMagicIsRejected() throws Exception {
        Path img = write(tmp.resolve("images"), truncate(images, 3));
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "shorter than the 4-byte IDX magic number");
    }

    @Test
    void zeroImageSizeIsRejected() throws Exception {
        Path img = write(tmp.resolve("images"), withInt(images, 8, 0));
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "bad IDX header", "dimension 1 is 0");
    }

    // ------------------------------------------------------------------ data length

    @ParameterizedTest(name = "images data cut to {0} of 84 bytes, gzip {1}")
    @CsvSource({"0, false", "1, false", "42, false", "83, false", "0, true", "42, true", "83, true"})
    void truncatedImagesDataIsRejected(int dataBytes, boolean gz) throws Exception {
        Path img = write(tmp.resolve(gz ? "images.gz" : "images"), truncate(images, IMAGES_HEADER_BYTES + dataBytes));
        assertRejected(img, write(tmp.resolve("labels"), labels), img,
                "truncated", "expected " + IMAGE_DATA + " data bytes (7 records of 12 bytes), found " + dataBytes);
    }

    @ParameterizedTest(name = "labels data cut to {0} of 7 bytes, gzip {1}")
    @CsvSource({"0, false", "6, false", "3, true"})
    void truncatedLabelsDataIsRejected(int dataBytes, boolean gz) throws Exception {
        Path lbl = write(tmp.resolve(gz ? "labels.gz" : "labels"), truncate(labels, LABELS_HEADER_BYTES + dataBytes));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl,
                "truncated", "expected 7 data bytes (7 records of 1 bytes), found " + dataBytes);
    }

    @ParameterizedTest(name = "{0} extra bytes after the images, gzip {1}")
    @CsvSource({"1, false", "100000, false", "1, true", "12, true"})
    void trailingBytesAfterImagesAreRejected(int extra, boolean gz) throws Exception {
        Path img = write(tmp.resolve(gz ? "images.gz" : "images"), append(images, new byte[extra]));
        assertRejected(img, write(tmp.resolve("labels"), labels), img,
                "longer than its header says", "expected " + IMAGE_DATA + " data bytes");
    }

    @Test
    void trailingByteAfterLabelsIsRejected() throws Exception {
        Path lbl = write(tmp.resolve("labels"), append(labels, (byte) 1));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl, "longer than its header says");
    }

    // ------------------------------------------------------------------ pairs and labels

    @Test
    void fewerLabelsThanImagesAreRejectedAtTheLabels() throws Exception {
        Path img = write(tmp.resolve("images"), images);
        Path lbl = write(tmp.resolve("labels"), labelFile(COUNT - 1, CLASSES));
        assertRejected(img, lbl, lbl, "holds 6 labels, but " + img + " holds 7 images");
    }

    @Test
    void moreLabelsThanImagesAreRejectedAtTheLabels() throws Exception {
        Path img = write(tmp.resolve("images"), images);
        Path lbl = write(tmp.resolve("labels"), labelFile(COUNT + 1, CLASSES));
        assertRejected(img, lbl, lbl, "holds 8 labels, but " + img + " holds 7 images");
    }

    @ParameterizedTest(name = "label {1} with {0} classes at record {2}")
    @CsvSource({"10, 10, 4", "10, 255, 0", "2, 2, 6", "10, 10, 6"})
    void labelNotBelowClassesIsRejected(int classes, int label, int record) throws Exception {
        byte[] lbls = labels(0, COUNT, classes);
        lbls[record] = (byte) label;
        Path img = write(tmp.resolve("images"), images);
        Path lbl = write(tmp.resolve("labels.gz"), labelFile(lbls));
        BadInputException e = assertThrows(BadInputException.class, () -> validate(img, lbl, classes));
        assertMessage(e, lbl, "label " + label + " at record " + record + " is out of range: expected 0.." + (classes - 1));
    }

    // ------------------------------------------------------------------ gzip

    @Test
    void gzNameWithoutGzipContentIsRejected() throws Exception {
        Path img = tmp.resolve("images.gz");
        Files.write(img, images);
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "not a valid gzip file");
    }

    @Test
    void gzNameWithTextIsRejected() throws Exception {
        Path lbl = tmp.resolve("labels.gz");
        Files.write(lbl, "<html>404 Not Found</html>\n".getBytes(StandardCharsets.US_ASCII));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl, "not a valid gzip file");
    }

    @Test
    void gzipHeaderWithGarbageBodyIsRejected() throws Exception {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xFF); // first deflate block: reserved type 3
        Path img = tmp.resolve("images.gz");
        Files.write(img, append(truncate(gzip(images), 10), garbage));
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "corrupt or truncated gzip data");
    }

    @Test
    void gzipWithWrongChecksumIsRejected() throws Exception {
        byte[] gz = gzip(images);
        Path img = tmp.resolve("images.gz");
        Files.write(img, withByte(gz, gz.length - 8, gz[gz.length - 8] ^ 0x01)); // CRC32 in the trailer
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "corrupt or truncated gzip data");
    }

    /** Cut inside the gzip header (not gzip at all), inside the deflate data, and inside the trailer. */
    @ParameterizedTest(name = "gzip cut {0} bytes before its end")
    @ValueSource(ints = {1, 4, 8, 20})
    void truncatedGzipIsRejected(int missing) throws Exception {
        byte[] gz = gzip(images);
        Path img = tmp.resolve("images.gz");
        Files.write(img, truncate(gz, gz.length - missing));
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "truncated gzip data");
    }

    @Test
    void gzipCutInsideItsHeaderIsRejected() throws Exception {
        Path lbl = tmp.resolve("labels.gz");
        Files.write(lbl, truncate(gzip(labels), 5));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl, "not a valid gzip file");
    }

    // ------------------------------------------------------------------ files that are not there

    @Test
    void emptyFileIsRejected() throws Exception {
        Path img = Files.createFile(tmp.resolve("images"));
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "empty");
    }

    @Test
    void emptyGzFileIsRejected() throws Exception {
        Path lbl = Files.createFile(tmp.resolve("labels.gz"));
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl, "not a valid gzip file");
    }

    @Test
    void directoryInsteadOfFileIsRejected() throws Exception {
        Path img = Files.createDirectory(tmp.resolve("images"));
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "is a directory");
    }

    @Test
    void missingImagesFileIsRejected() throws Exception {
        Path img = tmp.resolve("images");
        assertRejected(img, write(tmp.resolve("labels"), labels), img, "no such file");
    }

    @Test
    void missingLabelsFileIsRejected() throws Exception {
        Path lbl = tmp.resolve("labels.gz");
        assertRejected(write(tmp.resolve("images"), images), lbl, lbl, "no such file");
    }

    // ------------------------------------------------------------------ data directory

    @ParameterizedTest(name = "{0} missing")
    @ValueSource(strings = {DataDirectory.TRAIN_IMAGES, DataDirectory.TRAIN_LABELS, DataDirectory.TEST_IMAGES,
        DataDirectory.TEST_LABELS})
    void dataDirectoryMissingAFileIsRejected(String name) throws Exception {
        IdxFixtures.DataSet d = IdxFixtures.writeDataDirectory(tmp.resolve("mnist"), 9, 5, 2, 2, CLASSES, true);
        Files.delete(d.dir().resolve(name + ".gz"));
        String dir = d.dir().toString();
        boolean trainFile = name.startsWith("train");

        assertFalse(DataDirectory.isComplete(conf, dir));
        BadInputException e = assertThrows(BadInputException.class, () -> {
            if (trainFile) {
                DataDirectory.train(conf, dir, CLASSES);
            } else {
                DataDirectory.test(conf, dir, CLASSES);
            }
        });
        assertMessage(e, d.dir().resolve(name), "missing", name + " or " + name + ".gz");
        // The other pair is still fine.
        LabeledIdxFiles other = trainFile ? DataDirectory.test(conf, dir, CLASSES) : DataDirectory.train(conf, dir, CLASSES);
        assertEquals(trainFile ? 5 : 9, other.count());
    }

    @Test
    void completeDataDirectoryValidatesBothPairs() throws Exception {
        IdxFixtures.DataSet d = IdxFixtures.writeDataDirectory(tmp.resolve("mnist"), 9, 5, 2, 3, CLASSES, false);
        String dir = d.dir().toString();
        assertTrue(DataDirectory.isComplete(conf, dir));
        LabeledIdxFiles train = DataDirectory.train(conf, dir, CLASSES);
        LabeledIdxFiles test = DataDirectory.test(conf, dir, CLASSES);
        assertEquals(d.trainImages().toString(), train.imagesPath());
        assertEquals(d.trainLabels().toString(), train.labelsPath());
        assertEquals(d.testImages().toString(), test.imagesPath());
        assertEquals(d.testLabels().toString(), test.labelsPath());
        assertEquals(9, train.count());
        assertEquals(5, test.count());
        assertEquals(2, test.rows());
        assertEquals(3, test.cols());
    }

    @Test
    void dataDirectoryRefusesARawFileAndADifferentGzOfTheSameName() throws Exception {
        // Raw: 9 training images; .gz beside it: 4 images of another size: two data sets, one name.
        IdxFixtures.DataSet raw = IdxFixtures.writeDataDirectory(tmp.resolve("mnist"), 9, 5, 2, 3, CLASSES, false);
        IdxFixtures.writeDataDirectory(tmp.resolve("mnist"), 4, 3, 5, 5, CLASSES, true);
        String dir = raw.dir().toString();

        shallownet.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(shallownet.BadInputException.class,
                () -> DataDirectory.train(conf, dir, CLASSES));
        assertEquals(raw.trainImages() + ": holds 70 bytes, but train-images-idx3-ubyte.gz beside it holds 116"
                + " uncompressed: two different files under one name; remove the one that is not your data", e.getMessage());
    }

    @Test
    void dataDirectoryPrefersRawOverTheSameGz() throws Exception {
        IdxFixtures.DataSet raw = IdxFixtures.writeDataDirectory(tmp.resolve("mnist"), 9, 5, 2, 3, CLASSES, false);
        for (java.nio.file.Path f : new java.nio.file.Path[] {raw.trainImages(), raw.trainLabels(), raw.testImages(),
                raw.testLabels()}) {
            java.nio.file.Files.write(f.resolveSibling(f.getFileName() + ".gz"),
                    IdxFixtures.gzip(java.nio.file.Files.readAllBytes(f)));
        }
        String dir = raw.dir().toString();

        LabeledIdxFiles train = DataDirectory.train(conf, dir, CLASSES);
        assertEquals(raw.trainImages().toString(), train.imagesPath());
        assertEquals(raw.trainLabels().toString(), train.labelsPath());
        assertEquals(9, train.count());
        assertEquals(3, train.cols());
        assertEquals(raw.testImages().toString(), DataDirectory.locate(conf, dir, DataDirectory.TEST_IMAGES));
    }

    @Test
    void dataDirectoryUsesGzForEachNameWithoutARawFile() throws Exception {
        IdxFixtures.DataSet gz = IdxFixtures.writeDataDirectory(tmp.resolve("mnist"), 9, 5, 2, 3, CLASSES, true);
        Path rawImages = write(gz.dir().resolve(DataDirectory.TRAIN_IMAGES), imageFile(9, 2, 3));

        LabeledIdxFiles train = DataDirectory.train(conf, gz.dir().toString(), CLASSES);
        assertEquals(rawImages.toString(), train.imagesPath());
        assertEquals(gz.trainLabels().toString(), train.labelsPath());
        assertEquals(9, train.count());
        LabeledIdxFiles test = DataDirectory.test(conf, gz.dir().toString(), CLASSES);
        assertEquals(gz.testImages().toString(), test.imagesPath());
        assertEquals(gz.testLabels().toString(), test.labelsPath());
    }

    @Test
    void dataDirectoryThatIsAFileIsRejected() throws Exception {
        Path file = write(tmp.resolve("mnist"), images);
        BadInputException e = assertThrows(BadInputException.class,
                () -> DataDirectory.train(conf, file.toString(), CLASSES));
        assertMessage(e, file, "is a file, expected a data directory");
    }
}
