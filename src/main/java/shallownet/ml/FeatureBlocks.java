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

    /**
     * The cached blocks, how many samples they hold, the largest magnitude of a cached feature and
     * the features' root mean square (over all samples and features).
     */
    record Cached(JavaRDD<FeatureBlock> rdd, int count, double maxAbs, double rms) {
    }

    /**
     * Each feature mapped to [-1, 1] by its range on the training data, {@code x' = scale[i] * x +
     * shift[i]}, as the notebook maps MNIST's 0..255 pixels ({@code -1 + 2x/255}); a feature
     * constant on the training data maps to 0. Null scaling: the features as given.
     */
    record MinMax(double[] scale, double[] shift) implements java.io.Serializable {

        /** One pass over the rows: each feature's range. */
        static MinMax of(Dataset<Row> rows, int inputs) {
            double[][] range = rows.javaRDD().treeAggregate(null, (double[][] acc, Row r) -> {
                double[][] a = acc != null ? acc : fresh(inputs);
                Vector v = (Vector) r.get(0);
                if (v != null && v.size() == inputs) {
                    for (int i = 0; i < inputs; i++) {
                        double x = v.apply(i);
                        a[0][i] = Math.min(a[0][i], x);
                        a[1][i] = Math.max(a[1][i], x);
                    }
                }
                return a;
            }, (double[][] a, double[][] b) -> {
                if (a == null) {
                    return b;
                }
                if (b != null) {
                    for (int i = 0; i < inputs; i++) {
                        a[0][i] = Math.min(a[0][i], b[0][i]);
                        a[1][i] = Math.max(a[1][i], b[1][i]);
                    }
                }
                return a;
            }, 2);
            double[] scale = new double[inputs];
            double[] shift = new double[inputs];
            for (int i = 0; range != null && i < inputs; i++) {
                double width = range[1][i] - range[0][i];
                if (width > 0 && Double.isFinite(width)) {
                    scale[i] = 2 / width;
                    shift[i] = -1 - 2 * range[0][i] / width;
                }
            }
            return new MinMax(scale, shift);
        }

        private static double[][] fresh(int inputs) {
            double[][] a = new double[2][inputs];
            java.util.Arrays.fill(a[0], Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(a[1], Double.NEGATIVE_INFINITY);
            return a;
        }

        /**
         * Weights trained on the mapped features as weights on the features as given:
         * {@code W1'[j][i] = W1[j][i] * scale[i]}, {@code b1'[j] = b1[j] + sum_i W1[j][i] * shift[i]}.
         */
        float[] foldInto(shallownet.net.NetworkShape shape, float[] params) {
            float[] p = params.clone();
            int ni = shape.inputs();
            int b1 = shape.b1Offset();
            for (int j = 0; j < shape.hidden(); j++) {
                double bias = params[b1 + j];
                for (int i = 0; i < ni; i++) {
                    float w = params[j * ni + i];
                    p[j * ni + i] = (float) (w * scale[i]);
                    bias += w * shift[i];
                }
                p[b1 + j] = (float) bias;
            }
            return p;
        }
    }

    /**
     * {@code rows}: column 0 a Vector of {@code inputs} values, column 1 a double label. Every
     * label must be a class index below {@code classes}. {@code partitions} 0 keeps the input's.
     */
    static Cached cache(Dataset<Row> rows, int inputs, int classes, int partitions, String name) {
        return cache(rows, inputs, classes, partitions, name, "features", null);
    }

    /**
     * {@link #cache(Dataset, int, int, int, String)} with the features mapped by {@code scaling}
     * (null: as given); a feature that is not finite is refused, naming {@code column} and the row.
     */
    static Cached cache(Dataset<Row> rows, int inputs, int classes, int partitions, String name, String column,
                        MinMax scaling) {
        Dataset<Row> source = partitions > 0 && partitions != rows.rdd().getNumPartitions()
                ? rows.repartition(partitions) : rows;
        JavaRDD<FeatureBlock> blocks = source.javaRDD().zipWithIndex()
                .mapPartitions(it -> pack(it, inputs, classes, BlockReader.MAX_BLOCK_SAMPLES, column, scaling).iterator());
        blocks.setName(name);
        blocks.persist(StorageLevel.MEMORY_ONLY());
        // One pass over the cached blocks: their count, and the largest feature magnitude (bounds each step's gradient).
        double[] countAndMax = blocks.map(b -> new double[] {b.count(), b.maxAbsFeature(), b.sumOfSquares()})
                .fold(new double[] {0, 0, 0}, (a, b) -> new double[] {a[0] + b[0], Math.max(a[1], b[1]), a[2] + b[2]});
        long count = (long) countAndMax[0];
        if (count == 0) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("ShallowNetClassifier was given an empty dataset");
        }
        if (count > Integer.MAX_VALUE) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("too many rows for one training set: " + count);
        }
        return new Cached(blocks, (int) count, countAndMax[1], Math.sqrt(countAndMax[2] / ((double) count * inputs)));
    }

    static List<FeatureBlock> pack(Iterator<Tuple2<Row, Long>> it, int inputs, int classes, int maxBlock) {
        return pack(it, inputs, classes, maxBlock, "features", null);
    }

    static List<FeatureBlock> pack(Iterator<Tuple2<Row, Long>> it, int inputs, int classes, int maxBlock,
                                   String column, MinMax scaling) {
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
                double x = v.apply(i);
                if (!Double.isFinite(x) || !Float.isFinite((float) x)) {
                    throw new IllegalArgumentException("column '" + column + "', row " + next._2() + " (label "
                            + (row.isNullAt(1) ? "null" : row.getDouble(1)) + "): feature " + i
                            + " is " + x + (Double.isFinite(x) ? ", beyond float32's range" : "")
                            + "; every feature must be a finite number (fill or drop such rows first)");
                }
                features[base + i] = (float) (scaling == null ? x : scaling.scale()[i] * x + scaling.shift()[i]);
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
