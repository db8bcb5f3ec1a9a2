package shallownet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shallownet.testutil.IdxFixtures.IMAGES_HEADER_BYTES;
import static shallownet.testutil.IdxFixtures.LABELS_HEADER_BYTES;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import shallownet.BadInputException;
import shallownet.idx.LabeledIdxFiles;
import shallownet.testutil.IdxFixtures;

/** Reading sample ranges of a validated IDX pair into blocks, from raw and gzipped files. */
class BlockReaderTest {

    private static final int COUNT = 37;
    private static final int ROWS = 2;
    private static final int COLS = 3;
    private static final int PIXELS = ROWS * COLS;
    private static final int CLASSES = 10;

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();
    private final byte[] imageFile = IdxFixtures.imageFile(COUNT, ROWS, COLS);
    private final byte[] labelFile = IdxFixtures.labelFile(COUNT, CLASSES);

    private LabeledIdxFiles writeAndValidate(boolean gz) throws Exception {
        String ext = gz ? ".gz" : "";
        Path images = IdxFixtures.write(tmp.resolve("images" + ext), imageFile);
        Path labels = IdxFixtures.write(tmp.resolve("labels" + ext), labelFile);
        return LabeledIdxFiles.validate(conf, images.toString(), labels.toString(), CLASSES);
    }

    /** The pixels of samples {@code [first, first + n)} as written in the image file. */
    private byte[] writtenPixels(int first, int n) {
        int from = IMAGES_HEADER_BYTES + first * PIXELS;
        return Arrays.copyOfRange(imageFile, from, from + n * PIXELS);
    }

    /** The labels of samples {@code [first, first + n)} as written in the label file. */
    private byte[] writtenLabels(int first, int n) {
        int from = LABELS_HEADER_BYTES + first;
        return Arrays.copyOfRange(labelFile, from, from + n);
    }

    static Stream<Arguments> ranges() {
        int[][] ranges = {
            // first, n, maxBlock, expected block count
            {0, COUNT, COUNT, 1},
            {0, COUNT, 10, 4},
            {5, 23, 10, 3},
            {12, 5, 1, 5},
            {30, 7, 7, 1},
            {36, 1, 10, 1},
            {0, COUNT, 1000, 1},
            {COUNT, 0, 10, 0},
            {17, 0, 10, 0},
        };
        return Stream.of(false, true).flatMap(gz -> Arrays.stream(ranges)
                .map(r -> Arguments.of(gz, r[0], r[1], r[2], r[3])));
    }

    @ParameterizedTest(name = "gzip {0}: [{1}, {1}+{2}) in blocks of {3}")
    @MethodSource("ranges")
    void rangeIsReadAsTheWrittenBytesInBlocks(boolean gz, int first, int n, int maxBlock, int expectedBlocks)
            throws Exception {
        LabeledIdxFiles files = writeAndValidate(gz);

        List<SampleBlock> blocks = BlockReader.read(conf, files, first, n, maxBlock);

        assertEquals(expectedBlocks, blocks.size(), "blocks");
        int next = first;
        for (SampleBlock b : blocks) {
            int m = Math.min(maxBlock, first + n - next);
            assertEquals(next, b.firstIndex(), "firstIndex");
            assertEquals(m, b.count(), "samples in the block starting at " + next);
            assertEquals(PIXELS, b.pixelsPerSample());
            assertArrayEquals(writtenPixels(next, m), b.pixels(), "pixels of samples from " + next);
            assertArrayEquals(writtenLabels(next, m), b.labels(), "labels of samples from " + next);
            for (int i = 0; i < m; i++) {
                assertEquals(IdxFixtures.label(next + i, CLASSES), b.label(i), "label of sample " + (next + i));
            }
            next += m;
        }
        assertEquals(first + n, next, "the blocks cover the range exactly");
    }

    @ParameterizedTest(name = "gzip {0}")
    @ValueSource(booleans = {false, true})
    void readAllIsOneBlockOfEverything(boolean gz) throws Exception {
        SampleBlock all = BlockReader.readAll(conf, writeAndValidate(gz));

        assertEquals(0, all.firstIndex());
        assertEquals(COUNT, all.count());
        assertEquals(PIXELS, all.pixelsPerSample());
        assertArrayEquals(writtenPixels(0, COUNT), all.pixels());
        assertArrayEquals(writtenLabels(0, COUNT), all.labels());
        assertEquals((long) COUNT * (PIXELS + 1), all.dataBytes());
    }

    @Test
    void readAllOfAnEmptyDataSetIsAnEmptyBlock() throws Exception {
        Path images = IdxFixtures.write(tmp.resolve("images.gz"), IdxFixtures.imageFile(0, ROWS, COLS));
        Path labels = IdxFixtures.write(tmp.resolve("labels.gz"), IdxFixtures.labelFile(0, CLASSES));
        LabeledIdxFiles files = LabeledIdxFiles.validate(conf, images.toString(), labels.toString(), CLASSES);

        SampleBlock all = BlockReader.readAll(conf, files);

        assertEquals(0, all.count());
        assertEquals(0, all.pixels().length);
        assertEquals(PIXELS, all.pixelsPerSample());
    }

    @Test
    void readingAfterTheImagesWereReplacedIsRejected() throws Exception {
        LabeledIdxFiles files = writeAndValidate(false);
        Path images = IdxFixtures.write(Path.of(files.imagesPath()), IdxFixtures.imageFile(COUNT - 1, ROWS, COLS));

        BadInputException e = assertThrows(BadInputException.class, () -> BlockReader.read(conf, files, 0, 5, 5));
        assertTrue(e.getMessage().startsWith(images + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("changed while in use"), e.getMessage());
    }
}
