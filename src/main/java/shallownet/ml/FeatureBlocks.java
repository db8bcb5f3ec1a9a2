package shallownet.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import shallownet.data.BlockReader;
import shallownet.data.FeatureBlock;

/**
 * Rows of (feature vector, class label) as the training loop's cached blocks. Each row gets its
 * index in the whole data set ({@code zipWithIndex}, so partition {@code p} holds a contiguous
 * run, as {@code BlockRdds} gives the command line), and each partition packs its rows into
 * {@link FeatureBlock}s of at most {@link BlockReader#MAX_BLOCK_SAMPLES} samples: one object per
 * few thousand samples, never one per row.
 */
final class FeatureBlocks {

    private FeatureBlocks() {
    }

    /** The cached blocks and how many samples they hold. */
    record Cached(JavaRDD<FeatureBlock> rdd, int count) {
    }

    /**
     * {@code rows}: column 0 a Vector of {@code inputs} values, column 1 a double label. Every
     * label must be a class index below {@code classes}. {@code partitions} 0 keeps the input's.
     */
    static Cached cache(Dataset<Row> rows, int inputs, int classes, int partitions, String name) {
        Dataset<Row> source = partitions > 0 && partitions != rows.rdd().getNumPartitions()
                ? rows.repartition(partitions) : rows;
        JavaRDD<FeatureBlock> blocks = source.javaRDD().zipWithIndex()
                .mapPartitions(it -> pack(it, inputs, classes, BlockReader.MAX_BLOCK_SAMPLES).iterator());
        blocks.setName(name);
        blocks.persist(StorageLevel.MEMORY_ONLY());
        long count = blocks.map(b -> (long) b.count()).fold(0L, Long::sum);
        if (count == 0) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("ShallowNetClassifier was given an empty dataset");
        }
        if (count > Integer.MAX_VALUE) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("too many rows for one training set: " + count);
        }
        return new Cached(blocks, (int) count);
    }

    static List<FeatureBlock> pack(Iterator<Tuple2<Row, Long>> it, int inputs, int classes, int maxBlock) {
        List<FeatureBlock> out = new ArrayList<>();
        float[] features = new float[Math.min(maxBlock, 1024) * inputs];
        byte[] labels = new byte[features.length / inputs];
        int n = 0;
        long first = -1;
        while (it.hasNext()) {
            Tuple2<Row, Long> next = it.next();
            if (n == 0) {
                first = next._2();
            }
            if (n == labels.length) {
                int grown = Math.min(maxBlock, 2 * labels.length);
                features = java.util.Arrays.copyOf(features, grown * inputs);
                labels = java.util.Arrays.copyOf(labels, grown);
            }
            Row row = next._1();
            Vector v = (Vector) row.get(0);
            if (v == null || v.size() != inputs) {
                throw new IllegalArgumentException("row " + next._2() + ": feature vector of size "
                        + (v == null ? "null" : String.valueOf(v.size())) + ", expected " + inputs
                        + " (every vector must have the size of the first)");
            }
            int base = n * inputs;
            for (int i = 0; i < inputs; i++) {
                features[base + i] = (float) v.apply(i);
            }
            labels[n] = (byte) classIndex(row, next._2(), classes);
            n++;
            if (n == maxBlock) {
                out.add(new FeatureBlock((int) first, inputs, features, labels));
                features = new float[Math.min(maxBlock, 1024) * inputs];
                labels = new byte[features.length / inputs];
                n = 0;
            }
        }
        if (n > 0) {
            out.add(new FeatureBlock((int) first, inputs, java.util.Arrays.copyOf(features, n * inputs),
                    java.util.Arrays.copyOf(labels, n)));
        }
        return out;
    }

    private static int classIndex(Row row, long index, int classes) {
        if (row.isNullAt(1)) {
            throw new IllegalArgumentException("row " + index + ": null label");
        }
        double label = row.getDouble(1);
        if (!(label >= 0 && label < classes && label == Math.rint(label))) {
            throw new IllegalArgumentException("row " + index + ": label " + label
                    + " is not a class index in 0.." + (classes - 1));
        }
        return (int) label;
    }
}
