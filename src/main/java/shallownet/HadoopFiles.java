package shallownet;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
}
