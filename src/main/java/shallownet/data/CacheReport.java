package shallownet.data;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;

/**
 * What Spark actually holds of the cached data sets once they are loaded: bytes in memory, bytes
 * spilled to local disk, partitions not cached at all, and the memory setting that would hold all of
 * it in memory ({@code --driver-memory} in local mode, {@code --executor-memory} on a cluster).
 *
 * @param dataBytes   pixel and label bytes of the sets (what the blocks hold)
 * @param memoryBytes bytes Spark holds in memory
 * @param diskBytes   bytes Spark spilled to local disk (read back on every pass over them)
 * @param partitions  partitions of the sets
 * @param cached      partitions Spark holds, in memory or on disk
 * @param local       whether the master is local (the driver holds the blocks)
 * @param executors   executors holding the blocks on a cluster (0 in local mode)
 * @param setting     the setting that would hold everything in memory, e.g. {@code --driver-memory 3g}
 */
public record CacheReport(long dataBytes, long memoryBytes, long diskBytes, int partitions, int cached,
                          boolean local, int executors, String setting) {

    /**
     * Looks at the storage of {@code rdds}, which have been computed (counted) and are persisted;
     * {@code dataBytes} is what their blocks hold (from the files' headers, so no pass over the data).
     */
    public static CacheReport of(JavaSparkContext sc, long dataBytes, List<? extends JavaRDD<?>> rdds) {
        // The storage info comes from the status store, which Spark updates from its listener bus
        // asynchronously: right after count() the last blocks may not be in it yet.
        try {
            sc.sc().listenerBus().waitUntilEmpty(10_000);
        } catch (TimeoutException e) {
            // Report what is known so far.
        }
        long data = dataBytes;
        long memory = 0;
        long disk = 0;
        int partitions = 0;
        for (JavaRDD<?> rdd : rdds) {
            partitions += rdd.getNumPartitions();
        }
        int cached = 0;
        // Lists only RDDs with at least one cached partition.
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            for (JavaRDD<?> rdd : rdds) {
                if (info.id() == rdd.id()) {
                    memory += info.memSize();
                    disk += info.diskSize();
                    cached += info.numCachedPartitions();
                }
            }
        }
        boolean local = sc.isLocal();
        // The status tracker lists the driver as well as the executors.
        int executors = local ? 0 : Math.max(1, sc.statusTracker().getExecutorInfos().length - 1);
        String setting = local ? "--driver-memory " + DriverSizing.setting(DriverSizing.heapFor(data))
                : "--executor-memory " + DriverSizing.setting(DriverSizing.heapFor((data + executors - 1) / executors))
                + " on " + executors + " executor" + (executors == 1 ? "" : "s");
        return new CacheReport(data, memory, disk, partitions, cached, local, executors, setting);
    }

    /** Whether every partition is held in memory: the steps read nothing back from disk or files. */
    public boolean allInMemory() {
        return cached == partitions && diskBytes == 0;
    }

    /** The one line the run prints. */
    public String line() {
        // Both sets' partitions: the training line before it gives the training set's alone.
        String head = String.format(Locale.ROOT, "cached training and test sets: %s in %d partitions (both sets together), %s in memory",
                mb(dataBytes), partitions, mb(memoryBytes));
        if (allInMemory()) {
            return head + ", nothing on disk";
        }
        StringBuilder s = new StringBuilder(head);
        s.append(", ").append(mb(diskBytes)).append(" spilled to local disk");
        if (cached < partitions) {
            s.append(", ").append(partitions - cached).append(" partitions not cached (recomputed from the files)");
        }
        s.append(": read back on every step, slower; ").append(setting).append(" would hold it all in memory");
        return s.toString();
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
