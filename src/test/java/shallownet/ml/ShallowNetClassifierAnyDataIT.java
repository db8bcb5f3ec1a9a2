package shallownet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shallownet.testutil.RealMnist;

/**
 * Issue 18's table, run again: the Spark ML estimator on 20,000 real MNIST training rows, 2
 * epochs, local[2], default params, with features that are not notebook-scaled. No NaN model is
 * ever returned; the outcome does not depend on the partition count; every refusal is one clear
 * message naming the cause and the param to set.
 */
class ShallowNetClassifierAnyDataIT {

    private static SparkSession spark;
    private static Dataset<Row> rawTrain;
    private static Dataset<Row> rawTest;

    @BeforeAll
    static void start() throws Exception {
        spark = MlSpark.start("ShallowNetClassifierAnyDataIT");
        String dir = RealMnist.dir();
        rawTrain = IdxDataFrames.train(spark, dir, IdxDataFrames.Scaling.RAW).limit(20_000).cache();
        rawTest = IdxDataFrames.test(spark, dir, IdxDataFrames.Scaling.RAW).cache();
        assertEquals(20_000, rawTrain.count());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** The rows with every feature times {@code factor} (or feature {@code nanAt} of row {@code nanRow} NaN), in {@code partitions}. */
    private static Dataset<Row> mapped(Dataset<Row> rows, double factor, double offset, int partitions, long nanRow,
                                       int nanAt) {
        List<Row> out = new java.util.ArrayList<>();
        long i = 0;
        for (Row r : rows.collectAsList()) {
            double[] x = ((Vector) r.get(0)).toArray();
            for (int k = 0; k < x.length; k++) {
                x[k] = x[k] * factor + offset;
            }
            if (i++ == nanRow) {
                x[nanAt] = Double.NaN;
            }
            out.add(RowFactory.create(Vectors.dense(x), r.getDouble(1)));
        }
        Dataset<Row> df = spark.createDataFrame(out, IdxDataFrames.SCHEMA);
        // 0: as created (local[2]: two partitions, rows in order), so a row's index is its place in the list.
        return partitions > 0 ? df.repartition(partitions) : df;
    }

    private static Dataset<Row> scaled(Dataset<Row> rows, double factor, int partitions) {
        return mapped(rows, factor, 0, partitions, -1, 0);
    }

    private static double accuracy(ShallowNetClassificationModel model, Dataset<Row> test) {
        Dataset<Row> predicted = model.transform(test);
        for (Row r : predicted.select("probability").limit(200).collectAsList()) {
            for (double p : ((Vector) r.get(0)).toArray()) {
                assertTrue(Double.isFinite(p), "no NaN model: " + r);
            }
        }
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
    }

    private static double rms(Dataset<Row> rows, String column) {
        double sum = 0;
        long n = 0;
        for (Row r : rows.select(column).collectAsList()) {
            for (double x : ((Vector) r.get(0)).toArray()) {
                sum += x * x;
                n++;
            }
        }
        return Math.sqrt(sum / n);
    }

    private static ShallowNetClassifier net() {
        return new ShallowNetClassifier().setEpochs(2);
    }

    @Test
    void rawPixelsAreRefusedClearlyWhateverThePartitioning() {
        for (int partitions : new int[] {1, 4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net().fit(scaled(rawTrain, 1, partitions)));
            System.out.println(partitions + " partition(s), raw 0..255: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("features in column 'features' have a root mean square of "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("largest magnitude 255.0") && e.getMessage().contains("maxFeatureRms 10.0")
                    && e.getMessage().endsWith("or set featureScaling to minMax"), e.getMessage());
        }
    }

    @Test
    void rawPixelsTrainWellWithMinMaxScalingOnOneOrFourPartitions() {
        for (int partitions : new int[] {1, 4}) {
            ShallowNetClassificationModel model = net().setFeatureScaling("minMax").fit(scaled(rawTrain, 1, partitions));
            double acc = accuracy(model, rawTest);
            System.out.printf(Locale.ROOT, "%d partition(s), raw 0..255, featureScaling minMax: test accuracy %.4f%n",
                    partitions, acc);
            assertTrue(acc >= 0.85, "accuracy after 2 epochs on 20,000 rows: " + acc);
        }
    }

    @Test
    void pixelsInTheHundredsOfThousandsAndAMillionTimesLarger() {
        for (double factor : new double[] {1000, 1e6}) {
            for (int partitions : new int[] {1, 4}) {
                Dataset<Row> big = scaled(rawTrain, factor, partitions);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net().fit(big));
                assertTrue(e.getMessage().contains("above maxFeatureRms"), e.getMessage());
                ShallowNetClassificationModel model = net().setFeatureScaling("minMax").fit(big);
                double acc = accuracy(model, scaled(rawTest, factor, 2));
                System.out.printf(Locale.ROOT, "pixels x %.0f, %d partition(s): refused by default; minMax: test "
                        + "accuracy %.4f%n", factor, partitions, acc);
                assertTrue(acc >= 0.85, "x" + factor + ", " + partitions + " partitions: " + acc);
            }
        }
    }

    @Test
    void oneNaNFeatureIsRefusedNamingTheColumnAndTheRow() {
        // Notebook-scaled features (-1 + 2x/255) in 2 partitions, feature 300 of row 12345 NaN.
        Dataset<Row> withNaN = mapped(rawTrain, 2.0 / 255, -1, 0, 12_345, 300);
        assertEquals(2, withNaN.rdd().getNumPartitions());
        double label = withNaN.collectAsList().get(12_345).getDouble(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net().fit(withNaN));
        assertEquals("column 'features', row 12345 (label " + label + "): feature 300 is NaN; every feature must be "
                + "a finite number (fill or drop such rows first)", e.getMessage());
    }

    @Test
    void standardScalerOutputAndNotebookScaledPixelsPassTheScaleCheck() {
        Dataset<Row> notebook = scaled(rawTrain, 1, 2);
        Dataset<Row> standardized = new StandardScaler().setInputCol("features").setOutputCol("scaled")
                .setWithMean(true).setWithStd(true).fit(notebook).transform(notebook);
        System.out.printf(Locale.ROOT, "root mean square: raw %.3f, notebook-scaled %.3f, StandardScaler %.3f%n",
                rms(notebook, "features"), rms(mapped(rawTrain, 2.0 / 255, -1, 1, -1, 0), "features"),
                rms(standardized, "scaled"));
        ShallowNetClassificationModel model = net().setFeaturesCol("scaled").fit(standardized);
        assertTrue(Double.isFinite(model.summary().trainLoss()), "trains: " + model.summary().trainLoss());
        ShallowNetClassificationModel seed = net().fit(mapped(rawTrain, 2.0 / 255, -1, 2, -1, 0));
        double acc = accuracy(seed, mapped(rawTest, 2.0 / 255, -1, 2, -1, 0));
        System.out.printf(Locale.ROOT, "notebook-scaled features, defaults: test accuracy %.4f%n", acc);
        assertTrue(acc >= 0.85, "accuracy " + acc);
    }
}
