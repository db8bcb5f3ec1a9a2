package shallownet.store;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.AtomicFile;

/**
 * Small files of the store replaced as a whole, through the project's one atomic writer
 * ({@link AtomicFile}: written to {@code .NAME.tmp-<uuid>} beside the target, then renamed over it).
 *
 * <p>What a reader can rely on depends on the file system's rename: on the local file system
 * (POSIX {@code rename(2)}) and on HDFS ({@code FileContext.rename} with {@code OVERWRITE}, one
 * NameNode operation) a reader sees the old content or the new one, never a mix or nothing. On
 * object stores (S3A, GCS, ABFS without hierarchical namespace) rename is a copy plus a delete and
 * {@code FileContext} may not be available: there the target is deleted and the new file renamed
 * in, so for a moment the target may be missing; readers of {@code CURRENT} then fall back to the
 * promotion history, which is written first (see {@link ModelStore#champion()}).
 */
public final class StoreFiles {

    private StoreFiles() {
    }

    static void writeAtomically(FileSystem fs, Configuration conf, Path target, String content) throws IOException {
        AtomicFile.write(fs, conf, target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole content of {@code p}, or null if it does not exist. */
    static String readText(FileSystem fs, Path p) throws IOException {
        byte[] b = readBytes(fs, p);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static byte[] readBytes(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (FileNotFoundException e) {
            return null;
        }
    }
}
