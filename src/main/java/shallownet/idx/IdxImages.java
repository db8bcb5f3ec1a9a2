package shallownet.idx;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import shallownet.BadInputException;

/**
 * An IDX image file read a block of whole images at a time, so that memory stays bounded whatever
 * count the header claims (for predict). A file that ends early is reported as truncated; one
 * with bytes after the last image, as longer than its header says.
 */
public final class IdxImages implements AutoCloseable {

    private final String path;
    private final IdxFile.Opened in;
    private long read;

    private IdxImages(String path, IdxFile.Opened in) {
        this.path = path;
        this.in = in;
    }

    public static IdxImages open(Configuration conf, String path) throws IOException {
        return new IdxImages(path, IdxFile.open(conf, path, 3, 0));
    }

    public String path() {
        return path;
    }

    /** Images the header announces (not yet checked against the data). */
    public int count() {
        return in.header().count();
    }

    public int rows() {
        return in.header().sizes()[1];
    }

    public int cols() {
        return in.header().sizes()[2];
    }

    public int pixelsPerImage() {
        return in.header().recordBytes();
    }

    /**
     * Reads the next images into {@code buffer} (room for at least one image), as many as fit and
     * remain; returns how many, 0 once all are read (having checked that nothing follows them).
     */
    public int next(byte[] buffer) throws IOException {
        IdxHeader h = in.header();
        long left = h.count() - read;
        if (left == 0) {
            if (in.in().read() >= 0) {
                throw BadInputException.about(path, "longer than its header says: expected " + h.dataBytes()
                        + " data bytes (" + h.count() + " records of " + h.recordBytes() + " bytes), found more");
            }
            return 0;
        }
        int n = (int) Math.min(left, buffer.length / pixelsPerImage());
        if (n < 1) {
            throw new IllegalArgumentException("a buffer of " + buffer.length + " bytes holds no image of "
                    + pixelsPerImage());
        }
        IdxFile.readFully(in.in(), buffer, n * pixelsPerImage(), path, h);
        read += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
