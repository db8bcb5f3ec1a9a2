package shallownet.testutil;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code countfs://}, counting how often each file name is
 * opened for reading. Register with the Hadoop setting {@code fs.countfs.impl} (Spark:
 * {@code spark.hadoop.fs.countfs.impl}); local-mode tasks run in this JVM, so their opens count too.
 */
public final class CountingFileSystem extends RawLocalFileSystem {

    public static final String SCHEME = "countfs";

    private static final Map<String, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        OPENS.computeIfAbsent(f.getName(), k -> new AtomicInteger()).incrementAndGet();
        return super.open(f, bufferSize);
    }

    /** Opens of files named {@code name} so far. */
    public static int opens(String name) {
        AtomicInteger n = OPENS.get(name);
        return n == null ? 0 : n.get();
    }

    public static void reset() {
        OPENS.clear();
    }

    /** {@code path} as a {@code countfs://} URL. */
    public static String url(java.nio.file.Path path) {
        return SCHEME + "://" + path.toAbsolutePath();
    }
}
