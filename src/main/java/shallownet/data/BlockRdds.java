package shallownet.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import shallownet.idx.LabeledIdxFiles;

/**
 * A validated IDX pair as a cached RDD of {@link SampleBlock}s. Each task reads its own
 * contiguous range of samples from the files (the driver ships only the range, never the data),
 * so the blocks are built where they are cached.
 */
public final class BlockRdds {

    private BlockRdds() {
    }

    public static JavaRDD<SampleBlock> load(JavaSparkContext sc, LabeledIdxFiles files, int partitions, String name) {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        SerializableHadoopConf conf = new SerializableHadoopConf(sc.hadoopConfiguration());
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
                out.addAll(BlockReader.read(conf.get(), files, first, end - first, BlockReader.MAX_BLOCK_SAMPLES));
            }
            return out.iterator();
        });
        blocks.setName(name + " (" + n + " samples in " + partitions + " partitions)");
        return blocks.persist(StorageLevel.MEMORY_ONLY());
    }
}
