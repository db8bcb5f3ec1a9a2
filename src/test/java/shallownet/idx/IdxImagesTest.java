package shallownet.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.BadInputException;
import shallownet.testutil.IdxFixtures;

/** Reading an image file block by block: every image once, in order, whatever the block size; damage named. */
class IdxImagesTest {

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    private byte[] readAll(Path file, int imagesPerBlock) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (IdxImages x = IdxImages.open(conf, file.toString())) {
            byte[] buffer = new byte[imagesPerBlock * x.pixelsPerImage()];
            for (int n; (n = x.next(buffer)) > 0; ) {
                assertTrue(n <= imagesPerBlock);
                all.write(buffer, 0, n * x.pixelsPerImage());
            }
            assertEquals(0, x.next(buffer), "stays at the end");
        }
        return all.toByteArray();
    }

    @Test
    void blocksOfAnySizeGiveEveryImageOnceInOrder() throws Exception {
        for (String name : new String[] {"images-idx3-ubyte", "images-idx3-ubyte.gz"}) {
            Path f = IdxFixtures.write(tmp.resolve(name), IdxFixtures.imageFile(50, 3, 5));
            byte[] expected = IdxFixtures.pixels(0, 50, 15);
            for (int block : new int[] {1, 7, 50, 64}) {
                assertArrayEquals(expected, readAll(f, block), name + " in blocks of " + block);
            }
        }
    }

    @Test
    void anEmptyFileReadsNothing() throws Exception {
        Path f = IdxFixtures.write(tmp.resolve("empty-idx3-ubyte"), IdxFixtures.imageFile(0, 28, 28));
        assertEquals(0, readAll(f, 4).length);
    }

    @Test
    void truncatedAndOverlongFilesAreNamed() throws Exception {
        byte[] valid = IdxFixtures.imageFile(50, 2, 2);
        Path shortFile = IdxFixtures.write(tmp.resolve("short-idx3-ubyte"), Arrays.copyOf(valid, valid.length - 3));
        BadInputException e = assertThrows(BadInputException.class, () -> readAll(shortFile, 8));
        assertTrue(e.getMessage().startsWith(shortFile + ": truncated"), e.getMessage());
        Path longFile = IdxFixtures.write(tmp.resolve("long-idx3-ubyte"), IdxFixtures.append(valid, (byte) 0));
        BadInputException l = assertThrows(BadInputException.class, () -> readAll(longFile, 8));
        assertTrue(l.getMessage().startsWith(longFile + ": longer than its header says"), l.getMessage());
    }
}
