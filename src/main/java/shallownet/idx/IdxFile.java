package shallownet.idx;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;

/**
 * Opens IDX files through Hadoop's {@link FileSystem}, so that {@code file://}, {@code hdfs://}
 * and {@code s3a://} paths all work. A name ending in {@code .gz} is read through gzip.
 */
public final class IdxFile {

    private static final int BUFFER = 1 << 16;

    private IdxFile() {
    }

    public static boolean isGzip(String path) {
        return path.endsWith(".gz");
    }

    /**
     * Opens the file positioned at its first data byte after {@code skipBytes} bytes, having read
     * and checked its header. Raw files seek; gzip files can only skip forward by inflating.
     */
    public static Opened open(Configuration conf, String path, int dimensions, long skipDataBytes)
            throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus status;
        try {
            status = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            throw BadInputException.about(path, "no such file");
        }
        if (status.isDirectory()) {
            throw BadInputException.about(path, "is a directory, expected an IDX file");
        }
        FSDataInputStream raw = fs.open(p);
        try {
            InputStream in;
            if (isGzip(path)) {
                try {
                    in = new GZIPInputStream(raw, BUFFER);
                } catch (ZipException | java.io.EOFException e) {
                    throw BadInputException.about(path, "not a valid gzip file (" + detail(e) + ")");
                }
            } else {
                in = new BufferedInputStream(raw, BUFFER);
            }
            DataInputStream data = new DataInputStream(new GzipErrors(in, path));
            IdxHeader header = IdxHeader.read(data, path, dimensions);
            if (skipDataBytes > 0) {
                if (!isGzip(path)) {
                    raw.seek(header.headerBytes() + skipDataBytes);
                    data = new DataInputStream(new BufferedInputStream(raw, BUFFER));
                } else {
                    skipFully(data, skipDataBytes, path);
                }
            }
            return new Opened(header, data);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static void skipFully(InputStream in, long n, String path) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw BadInputException.about(path, "truncated: ended " + left + " bytes before the records to read");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /**
     * Reads exactly {@code buffer.length} bytes or reports the file as truncated, with how many
     * records it was expected to hold.
     */
    public static void readFully(DataInputStream in, byte[] buffer, String path, IdxHeader header)
            throws IOException {
        readFully(in, buffer, buffer.length, path, header);
    }

    /** As {@link #readFully(DataInputStream, byte[], String, IdxHeader)}, into the first {@code length} bytes. */
    public static void readFully(DataInputStream in, byte[] buffer, int length, String path, IdxHeader header)
            throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(buffer, done, length - done);
            if (n < 0) {
                throw BadInputException.about(path, "truncated: the header announces " + header.count()
                        + " records of " + header.recordBytes() + " bytes, the data ends early");
            }
            done += n;
        }
    }

    /** gzip's EOFExceptions have no message; say what they mean rather than "null". */
    private static String detail(IOException e) {
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        return e instanceof java.io.EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
    }

    /** An open IDX file: its header and a stream at the data. */
    public record Opened(IdxHeader header, DataInputStream in) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Turns gzip's own exceptions (corrupt data, truncated stream) into messages naming the file. */
    private static final class GzipErrors extends java.io.FilterInputStream {
        private final String path;

        GzipErrors(InputStream in, String path) {
            super(in);
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException | java.io.EOFException e) {
                throw corrupt(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException | java.io.EOFException e) {
                throw corrupt(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (ZipException | java.io.EOFException e) {
                throw corrupt(e);
            }
        }

        private BadInputException corrupt(IOException e) {
            return BadInputException.about(path, isGzip(path)
                    ? "corrupt or truncated gzip data (" + detail(e) + ")"
                    : "read failed (" + detail(e) + ")");
        }
    }
}
