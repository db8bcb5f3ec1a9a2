package shallownet.data;

import shallownet.InvalidSettingException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import shallownet.idx.LabeledIdxFiles;

/**
 * A validated IDX pair as a cached RDD of {@link SampleBlock}s. Each task reads its own
 * contiguous range of samples from the files (the driver ships only the range, never the data),
 * so the blocks are built where they are cached.
 */
public final class BlockRdds {

    /**
     * Memory, and local disk for what does not fit, deserialized. Data that fits is held exactly as
     * with MEMORY_ONLY (same objects, same steps). What does not fit is written once to local disk
     * and read back on each step, where MEMORY_ONLY dropped it and re-read and re-parsed it from the
     * input files on every step (gunzip for .gz, a remote read on HDFS/S3). SpillBenchmark, step
     * median (B=4000, local[2], 2 partitions, 40 MB of storage memory: one of the two 23.6 MB
     * partitions spilled), machine shared with other builds (load average 10-17, so only large
     * differences count): MNIST .gz: all in memory 222 ms; spilled: MEMORY_ONLY 755 ms (re-gunzips),
     * MEMORY_AND_DISK 254 ms, MEMORY_AND_DISK_SER 459 ms (deserializes the in-memory half too, which
     * also slows data that fits), DISK_ONLY 685 ms. Raw MNIST: all in memory 628 ms, spilled
     * MEMORY_ONLY 485 ms, MEMORY_AND_DISK 467 ms, _SER 493 ms, DISK_ONLY 523 ms: reading back a spilled uint8 partition costs about
     * what re-reading a raw file from the page cache does, both within this noise. The real fix for
     * data larger than memory is more storage memory (DriverSizing, CacheReport's advice); this level
     * makes the shortfall cost a disk read, never a recomputation.
     */
    public static final StorageLevel STORAGE = StorageLevel.MEMORY_AND_DISK();

    private BlockRdds() {
    }

    public static JavaRDD<SampleBlock> load(JavaSparkContext sc, LabeledIdxFiles files, int partitions, String name) {
        return load(sc, files, partitions, name, STORAGE);
    }

    /** The same with another storage level (the spill benchmark compares them). */
    public static JavaRDD<SampleBlock> load(JavaSparkContext sc, LabeledIdxFiles files, int partitions, String name,
                                            StorageLevel level) {
        if (partitions < 1) {
            throw new InvalidSettingException("{} must be at least 1, got " + partitions, "partitions");
        }
        // Broadcast, not captured: the closure is part of the cached RDD's lineage, which every
        // training step's tasks deserialize. Captured, the 35 KB configuration made a bare job on
        // the cached RDD take 49.3 ms instead of 21.6 ms (median of 400, local[2], loaded machine).
        Broadcast<SerializableHadoopConf> conf = SerializableHadoopConf.broadcast(sc);
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        int n = files.count();
        JavaRDD<SampleBlock> blocks = sc.parallelize(ids, partitions).mapPartitions(it -> {
            List<SampleBlock> out = new ArrayList<>();
            while (it.hasNext()) {
                int p = it.next();
                int first = (int) ((long) p * n / partitions);
                int end = (int) ((long) (p + 1) * n / partitions);
                out.addAll(BlockReader.read(conf.value().get(), files, first, end - first, BlockReader.MAX_BLOCK_SAMPLES));
            }
            return out.iterator();
        });
        blocks.setName(name + " (" + n + " samples in " + partitions + " partitions)");
        return blocks.persist(level);
    }
}
