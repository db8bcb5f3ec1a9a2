package shallownet.testutil;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 (an ephemeral port) standing in for a download mirror: it
 * serves the bodies given to {@link #serve} under {@code /mnist/NAME}, answers 404 to anything
 * else, and records every request path so a test can count downloads. It can also misbehave as
 * hostile mirrors do: {@link #serveForever} streams without end, {@link #serveDripping} sends a
 * byte at a time with pauses. Both loops are bounded in bytes and time, and stop when the client
 * goes away, so a test that fails never leaves a server running.
 */
public final class LoopbackMirror implements AutoCloseable {

    private static final String BASE = "/mnist/";

    private final HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final Map<String, Long> forever = new ConcurrentHashMap<>();
    private final Map<String, Long> dripping = new ConcurrentHashMap<>();
    /** Bytes sent by the misbehaving handlers, per path. */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> sent = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "loopback-mirror");
        t.setDaemon(true);
        return t;
    });

    /** No misbehaving answer lasts longer than this, whatever the client does. */
    private static final long MAX_ANSWER_MILLIS = 120_000;
    /** Nor sends more than this (a test's cap is far below). */
    private static final long MAX_FOREVER_BYTES = 512L << 20;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private LoopbackMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool); // a dripping answer must not hold up the others
        server.start();
    }

    /** A started mirror serving nothing yet (every request: 404). */
    public static LoopbackMirror start() {
        try {
            return new LoopbackMirror();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A started mirror serving the four real {@code NAME.gz} files of {@link RealMnist#dir()}. */
    public static LoopbackMirror ofRealMnist() {
        LoopbackMirror m = start();
        for (String name : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            m.serveFile(name + ".gz", RealMnist.gz(name));
        }
        return m;
    }

    /** Serves {@code body} at {@code <url()>fileName}. */
    public LoopbackMirror serve(String fileName, byte[] body) {
        bodies.put(BASE + fileName, body);
        return this;
    }

    /**
     * Answers {@code fileName} with 200 and an endless chunked body (no length), until the client
     * disconnects or {@value #MAX_FOREVER_BYTES} bytes or two minutes have passed.
     */
    public LoopbackMirror serveForever(String fileName) {
        forever.put(BASE + fileName, MAX_FOREVER_BYTES);
        return this;
    }

    /**
     * Answers {@code fileName} with 200, a length of {@code 1 MB}, and one byte every
     * {@code intervalMillis}, until the client disconnects or two minutes have passed.
     */
    public LoopbackMirror serveDripping(String fileName, long intervalMillis) {
        dripping.put(BASE + fileName, intervalMillis);
        return this;
    }

    /** Bytes the misbehaving handlers have sent for {@code fileName} so far. */
    public long bytesSent(String fileName) {
        var n = sent.get(BASE + fileName);
        return n == null ? 0 : n.get();
    }

    /** Serves the bytes of {@code file} at {@code <url()>fileName}. */
    public LoopbackMirror serveFile(String fileName, Path file) {
        try {
            return serve(fileName, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, with a trailing slash: {@code http://127.0.0.1:PORT/mnist/}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + BASE;
    }

    /** How many requests asked for {@code fileName} (whatever the answer). */
    public int requests(String fileName) {
        return (int) requests.stream().filter((BASE + fileName)::equals).count();
    }

    /** All request paths so far, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(path);
            if (forever.containsKey(path) || dripping.containsKey(path)) {
                misbehave(ex, path);
                return;
            }
            byte[] body = "GET".equals(ex.getRequestMethod()) ? bodies.get(path) : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void misbehave(HttpExchange ex, String path) throws IOException {
        var counter = sent.computeIfAbsent(path, k -> new java.util.concurrent.atomic.AtomicLong());
        long until = System.nanoTime() + MAX_ANSWER_MILLIS * 1_000_000;
        Long drip = dripping.get(path);
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, drip != null ? 1 << 20 : 0); // 0: chunked, no length
        byte[] block = new byte[drip != null ? 1 : 1 << 16];
        try (OutputStream out = ex.getResponseBody()) {
            long limit = drip != null ? 1 << 20 : MAX_FOREVER_BYTES;
            for (long n = 0; n < limit && System.nanoTime() < until; n += block.length) {
                out.write(block);
                out.flush();
                counter.addAndGet(block.length);
                if (drip != null) {
                    try {
                        Thread.sleep(drip);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away: what a bounded fetch does
        }
    }

    /** A base URL on 127.0.0.1 where nothing listens (a port just released), so connections are refused. */
    public static String closedPortUrl() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + BASE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
