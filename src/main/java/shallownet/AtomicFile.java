package shallownet;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file written to a hidden sibling ({@code .NAME.tmp-<uuid>}) and renamed into place by
 * {@link #commit()}, so that a failed or interrupted write never leaves a truncated file under
 * the final name; {@link #close()} without a commit removes the sibling. A write that fails
 * (disk full, file too large; Hadoop's local file system reports these as the Error
 * {@link FSError}) becomes one {@link CommandFailure} naming the file.
 */
public final class AtomicFile implements Closeable {
    private final Configuration conf;
    private final FileSystem fs;
    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private boolean committed;

    private AtomicFile(Configuration conf, FileSystem fs, Path target) throws IOException {
        this.conf = conf;
        this.fs = fs;
        this.target = target;
        Path parent = target.getParent() != null ? target.getParent() : fs.getWorkingDirectory();
        fs.mkdirs(parent);
        this.tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
        OutputStream raw = guard(() -> fs.create(tmp, false));
        // Removed also when the JVM exits on a signal (the file systems' shutdown hook).
        fs.deleteOnExit(tmp);
        this.out = new FilterOutputStream(raw) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                guard(() -> {
                    raw.write(b, off, len);
                    return null;
                });
            }

            @Override
            public void write(int b) throws IOException {
                guard(() -> {
                    raw.write(b);
                    return null;
                });
            }

            @Override
            public void flush() throws IOException {
                guard(() -> {
                    raw.flush();
                    return null;
                });
            }

            @Override
            public void close() throws IOException {
                guard(() -> {
                    raw.close();
                    return null;
                });
            }
        };
    }

    public static AtomicFile create(Configuration conf, String path) throws IOException {
        Path p = new Path(path);
        return new AtomicFile(conf, HadoopFiles.of(p, conf), p);
    }

    /** Writes {@code content} to {@code path} through a hidden sibling renamed into place. */
    public static void write(Configuration conf, String path, byte[] content) throws IOException {
        try (AtomicFile f = create(conf, path)) {
            f.stream().write(content);
            f.commit();
        }
    }

    /** {@link #write(Configuration, String, byte[])} on a file system the caller already has. */
    public static void write(FileSystem fs, Configuration conf, Path target, byte[] content) throws IOException {
        try (AtomicFile f = new AtomicFile(conf, fs, target)) {
            f.stream().write(content);
            f.commit();
        }
    }

    public OutputStream stream() {
        return out;
    }

    /** Closes the stream and renames the written file over the target. */
    public void commit() throws IOException {
        out.close();
        guard(() -> {
            HadoopFiles.replace(fs, conf, tmp, target);
            return null;
        });
        committed = true;
        fs.cancelDeleteOnExit(tmp);
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the write failed already; what matters is that the sibling goes
        }
        try {
            fs.delete(tmp, false);
            fs.cancelDeleteOnExit(tmp);
        } catch (IOException ignored) {
            // best effort: a hidden sibling, never the final name
        }
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> T guard(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException | FSError e) {
            throw new CommandFailure("could not write " + target + ": " + CommandFailure.rootMessage(e), e);
        }
    }
}
