package shallownet;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/** The file system of a path, for the files this project writes and reads back itself. */
public final class HadoopFiles {

    private HadoopFiles() {
    }

    /**
     * The path's file system; for local paths the raw one. Hadoop's local file system otherwise
     * writes hidden {@code .NAME.crc} files beside every file (clutter in a model directory that
     * numpy users read) and refuses to read a file that was edited or copied in without its
     * {@code .crc}. Models carry their own SHA-256 instead.
     */
    public static FileSystem of(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    /**
     * Renames the file {@code from} over {@code to}, replacing it; atomic where the file system
     * allows. On the local file system (POSIX {@code rename(2)}) and on HDFS
     * ({@code FileContext.rename} with {@code OVERWRITE}, one NameNode operation) a reader sees the
     * old content or the new one, never a mix or nothing. On object stores (S3A, GCS, ABFS without
     * hierarchical namespace) rename is a copy plus a delete and {@code FileContext} may not be
     * available: there the target is deleted and the new file renamed in, so for a moment the
     * target may be missing.
     */
    public static void replace(FileSystem fs, Configuration conf, Path from, Path to) throws IOException {
        if (fs instanceof RawLocalFileSystem || fs instanceof LocalFileSystem) {
            // java.io.File.renameTo is rename(2): replaces an existing file atomically.
            if (!fs.rename(from, to)) {
                throw new IOException("could not rename " + from + " to " + to);
            }
            return;
        }
        Path qualifiedFrom = fs.makeQualified(from);
        Path qualifiedTo = fs.makeQualified(to);
        FileContext fc;
        try {
            fc = FileContext.getFileContext(qualifiedTo.toUri(), conf);
        } catch (UnsupportedFileSystemException e) {
            fc = null;
        }
        if (fc != null) {
            try {
                fc.rename(qualifiedFrom, qualifiedTo, Options.Rename.OVERWRITE);
                return;
            } catch (UnsupportedOperationException e) {
                // Fall through to delete-then-rename.
            }
        }
        if (fs.exists(to)) {
            fs.delete(to, false);
        }
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
