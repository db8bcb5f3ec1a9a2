package shallownet.idx;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import shallownet.BadInputException;

/**
 * The header of an IDX file of unsigned bytes: magic {@code 0x0000 08 NN} (type 0x08 = ubyte,
 * NN = number of dimensions) followed by NN big-endian int32 sizes. MNIST images have 3
 * dimensions (count, rows, columns), labels 1 (count).
 */
public record IdxHeader(int dimensions, int[] sizes) implements Serializable {

    public static final int UBYTE = 0x08;

    /** Bytes before the data: the magic number and one int per dimension. */
    public long headerBytes() {
        return 4L + 4L * dimensions;
    }

    public int count() {
        return sizes[0];
    }

    /** Bytes per record: the product of all sizes but the first (1 for a label file). */
    public int recordBytes() {
        long n = 1;
        for (int d = 1; d < dimensions; d++) {
            n *= sizes[d];
        }
        return (int) n;
    }

    public long dataBytes() {
        return (long) count() * recordBytes();
    }

    public static int magicFor(int dimensions) {
        return (UBYTE << 8) | dimensions;
    }

    /** Reads and checks the header of a file expected to have {@code dimensions} dimensions. */
    public static IdxHeader read(DataInputStream in, String file, int dimensions) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw BadInputException.about(file, "empty or shorter than the 4-byte IDX magic number");
        }
        int expected = magicFor(dimensions);
        if (magic != expected) {
            throw BadInputException.about(file, String.format(
                    "bad IDX magic number: expected 0x%08X (unsigned bytes, %d dimension%s), found 0x%08X",
                    expected, dimensions, dimensions == 1 ? "" : "s", magic));
        }
        int[] sizes = new int[dimensions];
        for (int d = 0; d < dimensions; d++) {
            try {
                sizes[d] = in.readInt();
            } catch (EOFException e) {
                throw BadInputException.about(file, "truncated IDX header: expected " + (4 + 4 * dimensions)
                        + " bytes, found " + (4 + 4 * d));
            }
            if (sizes[d] < (d == 0 ? 0 : 1)) {
                throw BadInputException.about(file, "bad IDX header: dimension " + d + " is " + sizes[d]
                        + (d == 0 ? ", expected a record count >= 0" : ", expected a size >= 1"));
            }
        }
        long record = 1;
        for (int d = 1; d < dimensions; d++) {
            record *= sizes[d];
        }
        if (record > Integer.MAX_VALUE) {
            throw BadInputException.about(file, "bad IDX header: records of " + record + " bytes are too large");
        }
        return new IdxHeader(dimensions, sizes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxHeader h && h.dimensions == dimensions && Arrays.equals(h.sizes, sizes);
    }

    @Override
    public int hashCode() {
        return 31 * dimensions + Arrays.hashCode(sizes);
    }

    @Override
    public String toString() {
        return Arrays.toString(sizes);
    }
}
