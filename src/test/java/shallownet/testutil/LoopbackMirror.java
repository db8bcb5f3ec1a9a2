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
 * else, and records every request path so a test can count downloads.
 */
public final class LoopbackMirror implements AutoCloseable {

    private static final String BASE = "/mnist/";

    private final HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private LoopbackMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
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
    }
}
