package shallownet.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small ustar archives for tests, header by header (POSIX.1-1988 layout: name, mode, uid,
 * gid, size, mtime, checksum, type flag, ..., {@code ustar\0} {@code 00}, ..., prefix), each entry's
 * data padded to 512 bytes, and two zero blocks at the end. Names longer than 100 characters go
 * into the prefix field, as {@code tar} does.
 */
final class TarBuilder {

    private static final int BLOCK = 512;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarBuilder directory(String name) {
        return entry(name.endsWith("/") ? name : name + "/", '5', new byte[0]);
    }

    TarBuilder file(String name, byte[] content) {
        return entry(name, '0', content);
    }

    /** Any entry: {@code type} '0' file, '5' directory, '2' symlink, 'x' pax header, ... */
    TarBuilder entry(String name, char type, byte[] content) {
        byte[] h = new byte[BLOCK];
        String prefix = "";
        if (name.length() > 100) {
            int cut = name.lastIndexOf('/', 155);
            if (cut < 0 || name.length() - cut - 1 > 100) {
                throw new IllegalArgumentException("name too long for ustar: " + name);
            }
            prefix = name.substring(0, cut);
            name = name.substring(cut + 1);
        }
        put(h, 0, 100, name);
        put(h, 100, 8, octal(type == '5' ? 0755 : 0644, 7));
        put(h, 108, 8, octal(1000, 7));
        put(h, 116, 8, octal(1000, 7));
        put(h, 124, 12, octal(content.length, 11));
        put(h, 136, 12, octal(1_700_000_000L, 11));
        h[156] = (byte) type;
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        put(h, 265, 32, "test");
        put(h, 297, 32, "test");
        put(h, 345, 155, prefix);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 8, octal(sum, 6) + "\0 ");
        out.writeBytes(h);
        out.writeBytes(content);
        out.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
        return this;
    }

    /** The archive with its end marker (two zero blocks). */
    byte[] tar() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        all.writeBytes(new byte[2 * BLOCK]);
        return all.toByteArray();
    }

    /** The archive without the end marker, as a truncated download would end. */
    byte[] tarWithoutEnd() {
        return out.toByteArray();
    }

    byte[] tgz() {
        return gzip(tar());
    }

    Path writeTgz(Path file) {
        try {
            return Files.write(file, tgz());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_SPEED); // tests build archives of the real files: keep it quick
            }
        }) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String octal(long v, int digits) {
        String s = Long.toOctalString(v);
        if (s.length() > digits) {
            throw new IllegalArgumentException(v + " does not fit " + digits + " octal digits");
        }
        return "0".repeat(digits - s.length()) + s;
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length > len) {
            throw new IllegalArgumentException("'" + s + "' longer than " + len);
        }
        System.arraycopy(b, 0, h, off, b.length);
    }
}
