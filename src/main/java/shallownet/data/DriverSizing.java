package shallownet.data;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import shallownet.idx.DataDirectory;
import shallownet.idx.IdxFile;

/**
 * How much JVM heap holds a data set in Spark's storage memory, and the driver heap that
 * {@code submit.sh} picks in local mode (through {@code cli.DriverSizingMain}). Spark's unified memory manager gives storage
 * {@code (heap - 300 MiB) * spark.memory.fraction (0.6)}; while a task caches a partition it
 * reserves up to 1.5x the partition's size (unroll memory grows by that factor), so with one
 * partition per core unrolling at once the set needs about 1.5x its size: with 2 GB the 1.2 million
 * sample set (950 MB) held one of its two partitions, not both. Hence heap = 300 MiB + 2.5 x data.
 */
public final class DriverSizing {

    static final long MIB = 1024L * 1024;
    /** Spark's reserved system memory (UnifiedMemoryManager.RESERVED_SYSTEM_MEMORY_BYTES). */
    static final long RESERVED = 300 * MIB;
    /** Spark's default {@code spark.memory.fraction}. */
    static final double MEMORY_FRACTION = 0.6;
    /** Unroll headroom: see the class comment. */
    static final double UNROLL_HEADROOM = 1.5;
    /** Settings are rounded up to this step, so that they read like settings. */
    static final long STEP = 512 * MIB;
    /** The share of the machine's physical memory a local driver may take. */
    static final double PHYSICAL_SHARE = 0.75;

    private DriverSizing() {
    }

    /** The heap (rounded up to 512 MiB) whose storage memory holds {@code dataBytes} of cached blocks. */
    public static long heapFor(long dataBytes) {
        double heap = RESERVED + dataBytes * UNROLL_HEADROOM / MEMORY_FRACTION;
        return (long) Math.ceil(heap / STEP) * STEP;
    }

    /** A JVM / Spark memory setting: whole gigabytes as {@code 3g}, else megabytes as {@code 2560m}. */
    public static String setting(long bytes) {
        long mib = (bytes + MIB - 1) / MIB;
        return mib % 1024 == 0 ? (mib / 1024) + "g" : mib + "m";
    }

    /** Parses a JVM / Spark memory setting ({@code 2g}, {@code 512m}, {@code 1024k}, bytes). */
    public static long parse(String setting) {
        String s = setting.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> MIB;
            case 'g' -> 1024 * MIB;
            case 't' -> 1024L * 1024 * MIB;
            default -> 1L;
        };
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a memory size: " + setting);
        }
    }

    /** Uncompressed bytes of the four IDX files of {@code dir} (from their headers; gzip is read just past them). */
    public static long dataBytes(Configuration conf, String dir) throws IOException {
        long bytes = 0;
        for (String name : DataDirectory.FILE_NAMES) {
            int dims = name.contains("idx3") ? 3 : 1;
            try (IdxFile.Opened f = IdxFile.open(conf, DataDirectory.locate(conf, dir, name), dims, 0)) {
                bytes += f.header().dataBytes();
            }
        }
        return bytes;
    }

    /** The decision for a data set: the heap to use, or a refusal (the command line words it). */
    public record Choice(long dataBytes, long needed, long defaultHeap, long maxHeap, long heap, boolean refused) {
    }

    /**
     * The heap for {@code dataBytes}: the default when that holds it (never less), else the heap
     * that does, up to {@code maxHeap}; beyond that a refusal unless {@code allowSpill}, which takes {@code maxHeap}.
     */
    public static Choice choose(long dataBytes, long defaultHeap, long maxHeap, boolean allowSpill) {
        long needed = heapFor(dataBytes);
        if (needed <= defaultHeap) {
            return new Choice(dataBytes, needed, defaultHeap, maxHeap, defaultHeap, false);
        }
        if (needed <= maxHeap) {
            return new Choice(dataBytes, needed, defaultHeap, maxHeap, needed, false);
        }
        long best = Math.max(defaultHeap, maxHeap / STEP * STEP);
        return new Choice(dataBytes, needed, defaultHeap, maxHeap, best, !allowSpill);
    }

    /** 3/4 of this machine's physical memory. */
    public static long maxLocalHeap() {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return (long) (physical * PHYSICAL_SHARE);
    }

    /** Bytes as decimal megabytes, {@code 950 MB}. */
    public static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }
}
