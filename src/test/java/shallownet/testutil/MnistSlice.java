package shallownet.testutil;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The first samples of real MNIST ({@link RealMnist#dir()}) as a small data directory in the
 * MNIST layout (raw IDX files), so that runs that need real digits stay short.
 */
public final class MnistSlice {

    private MnistSlice() {
    }

    public static Path write(Path dir, int trainCount, int testCount) {
        Path mnist = Path.of(RealMnist.dir());
        try {
            Files.createDirectories(dir);
            copy(mnist, dir, "train-images-idx3-ubyte", trainCount, 28 * 28);
            copy(mnist, dir, "train-labels-idx1-ubyte", trainCount, 1);
            copy(mnist, dir, "t10k-images-idx3-ubyte", testCount, 28 * 28);
            copy(mnist, dir, "t10k-labels-idx1-ubyte", testCount, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static void copy(Path from, Path to, String name, int count, int recordBytes) throws IOException {
        Path raw = from.resolve(name);
        boolean images = recordBytes > 1;
        try (InputStream file = Files.isRegularFile(raw) ? Files.newInputStream(raw)
                : new GZIPInputStream(Files.newInputStream(from.resolve(name + ".gz")));
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(file))) {
            in.readInt();
            int total = in.readInt();
            if (images) {
                in.readInt();
                in.readInt();
            }
            if (count > total) {
                throw new IllegalArgumentException(name + " has " + total + " records, asked for " + count);
            }
            byte[] data = new byte[count * recordBytes];
            in.readFully(data);
            byte[] file2 = images ? IdxFixtures.idx(IdxFixtures.IMAGES_MAGIC, new int[] {count, 28, 28}, data)
                    : IdxFixtures.idx(IdxFixtures.LABELS_MAGIC, new int[] {count}, data);
            Files.write(to.resolve(name), file2);
        }
    }
}
