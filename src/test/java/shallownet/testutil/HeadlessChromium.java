package shallownet.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium driven through chromedriver's W3C WebDriver HTTP API (plain
 * {@code java.net.http}, no Selenium). Debian packages {@code chromium} and {@code chromium-driver};
 * {@code .ci/run} installs them. Outside CI a machine without them skips the test; in CI
 * ({@code CI=true}) it fails it.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final Path profile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String session;

    private HeadlessChromium(Process driver, Path profile, int port) throws IOException, InterruptedException {
        this.driver = driver;
        this.profile = profile;
        this.base = "http://127.0.0.1:" + port;
        waitUntilReady();
        ObjectNode options = JSON.createObjectNode();
        options.put("binary", executable("CHROMIUM_BIN", "chromium").toString());
        ArrayNode args = options.putArray("args");
        for (String a : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1200,900",
                "--user-data-dir=" + profile)) {
            args.add(a);
        }
        ObjectNode caps = JSON.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        always.set("goog:chromeOptions", options);
        always.putObject("goog:loggingPrefs").put("browser", "ALL");
        this.session = post("/session", caps).get("sessionId").asText();
    }

    /** Starts chromedriver and a browser session; skips (or in CI fails) the test when Chromium is missing. */
    public static HeadlessChromium start() throws IOException, InterruptedException {
        Path chromium = executable("CHROMIUM_BIN", "chromium");
        Path chromedriver = executable("CHROMEDRIVER_BIN", "chromedriver");
        if (chromium == null || chromedriver == null) {
            String why = "headless Chromium not found (Debian: apt-get install chromium chromium-driver; or set "
                    + "CHROMIUM_BIN and CHROMEDRIVER_BIN)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + "; CI must run the browser tests");
            }
            Assumptions.abort(why);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path profile = Files.createTempDirectory("shallownet-chromium-");
        Process p = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return new HeadlessChromium(p, profile, port);
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroy();
            deleteTree(profile);
            throw e;
        }
    }

    /** The variable's path, else the command's on the PATH, else null. */
    private static Path executable(String variable, String command) {
        String explicit = System.getenv(variable);
        if (explicit != null && !explicit.isBlank()) {
            return Files.isExecutable(Path.of(explicit)) ? Path.of(explicit) : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private void waitUntilReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && JSON.readTree(r.body()).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notYet) {
                if (!driver.isAlive()) {
                    throw new IOException("chromedriver exited with code " + driver.exitValue());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("chromedriver did not become ready within 30 s");
            }
            Thread.sleep(100);
        }
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = JSON.readTree(r.body()).path("value");
        if (r.statusCode() != 200) {
            throw new IOException("WebDriver " + r.statusCode() + ": " + value.path("error").asText() + ": "
                    + value.path("message").asText());
        }
        return value;
    }

    /** Navigates to {@code url} and waits for the page to load. */
    public void open(String url) throws IOException, InterruptedException {
        post("/session/" + session + "/url", JSON.createObjectNode().put("url", url));
    }

    /** Runs {@code script} (a function body; {@code return} gives the result) in the page. */
    public JsonNode script(String script) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        body.putArray("args");
        return post("/session/" + session + "/execute/sync", body);
    }

    /** Resizes the window (e.g. to the page's full height before a screenshot). */
    public void resize(int width, int height) throws IOException, InterruptedException {
        post("/session/" + session + "/window/rect", JSON.createObjectNode().put("width", width).put("height", height));
    }

    /** Saves a PNG of the window to {@code file}. */
    public void screenshot(Path file) throws IOException, InterruptedException {
        JsonNode v = send(HttpRequest.newBuilder(URI.create(base + "/session/" + session + "/screenshot")).GET());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(v.asText()));
    }

    /** The browser console's entries since the last call, as "LEVEL message". */
    public List<String> consoleLog() throws IOException, InterruptedException {
        JsonNode entries = post("/session/" + session + "/se/log", JSON.createObjectNode().put("type", "browser"));
        List<String> out = new ArrayList<>();
        for (JsonNode e : entries) {
            out.add(e.path("level").asText() + " " + e.path("message").asText());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            send(HttpRequest.newBuilder(URI.create(base + "/session/" + session)).DELETE());
        } catch (IOException | InterruptedException ignored) {
            // The driver is stopped below either way.
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                driver.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
