package shallownet.testutil;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under {@code fullfs://}, on which writes to the files whose path matches
 * {@link #failing} fail as on a full disk: the file is created, and its first write throws
 * {@code IOException("No space left on device")}, as HDFS and the object stores' clients do (Hadoop's
 * local file system wraps the same in an {@code FSError}, which the tmpfs case of FullDiskTest meets).
 * For the store's files whose write a small tmpfs cannot fail one by one. Register with
 * {@code fs.fullfs.impl} (Spark, and the commands' driver configuration: {@code spark.hadoop.fs.fullfs.impl}).
 */
public final class FullDiskFileSystem extends RawLocalFileSystem {

    public static final String SCHEME = "fullfs";

    /** Paths (a regular expression found in the path) whose writes fail; null: none. */
    public static volatile Pattern failing;

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return failingIfChosen(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return failingIfChosen(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private static FSDataOutputStream failingIfChosen(Path f, FSDataOutputStream real) throws IOException {
        Pattern p = failing;
        if (p == null || !p.matcher(f.toString()).find()) {
            return real;
        }
        return new FSDataOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        }, null);
    }

    /** {@code path} as a {@code fullfs://} URL. */
    public static String url(java.nio.file.Path path) {
        return SCHEME + "://" + path.toAbsolutePath();
    }
}
