package shallownet.idx;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import shallownet.BadInputException;

/** A whole IDX image file in memory, checked for truncation and trailing bytes (for predict). */
public record IdxImages(String path, int count, int rows, int cols, byte[] pixels) {

    public int pixelsPerImage() {
        return rows * cols;
    }

    public static IdxImages read(Configuration conf, String path) throws IOException {
        try (IdxFile.Opened in = IdxFile.open(conf, path, 3, 0)) {
            IdxHeader h = in.header();
            if (h.dataBytes() > Integer.MAX_VALUE - 8) {
                throw BadInputException.about(path, "too large to predict in one process: " + h.dataBytes() + " bytes");
            }
            byte[] pixels = new byte[(int) h.dataBytes()];
            IdxFile.readFully(in.in(), pixels, path, h);
            if (in.in().read() >= 0) {
                throw BadInputException.about(path, "longer than its header says: expected " + h.dataBytes()
                        + " data bytes (" + h.count() + " records of " + h.recordBytes() + " bytes), found more");
            }
            return new IdxImages(path, h.count(), h.sizes()[1], h.sizes()[2], pixels);
        }
    }
}
