package shallownet;

import java.util.Locale;

/** Byte counts as users read them ("9.8 GB", "512 MB"), and Spark's memory strings ("2g") as bytes. */
public final class MemorySize {

    private MemorySize() {
    }

    /** {@code bytes} in decimal units with one decimal: 1.0 GB is 10^9 bytes, 1.0 TB 10^12. */
    public static String format(long bytes) {
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
        }
        if (bytes < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        if (bytes < 1_000_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f TB", bytes / 1e12);
    }

    /**
     * Bytes of a JVM / Spark memory string: a number with an optional suffix k, m, g or t (binary
     * units, as {@code -Xmx} and {@code spark.executor.memory}; a bare number is MiB, as Spark reads it).
     */
    public static long parseSparkMemory(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1L << 20;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> unit = -1;
        }
        String digits = unit < 0 ? t : t.substring(0, t.length() - 1);
        if (unit < 0) {
            unit = 1L << 20;
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a memory size: " + s);
        }
    }
}
