package shallownet.ml;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import shallownet.data.BlockReader;
import shallownet.data.SampleBlock;
import shallownet.data.SerializableHadoopConf;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkKernel;

/**
 * An IDX image file and its label file as a DataFrame for Spark ML: one row per image, in file
 * order, with {@code features} (a dense vector of the image's pixels, row by row) and
 * {@code label} (a double, the class index). The files are validated first (a bad file is a
 * {@code BadInputException} naming it); each task then reads its own contiguous range of images,
 * so the driver never holds the data.
 *
 * <p>Pixel values: {@link Scaling#RAW} keeps the file's 0..255 (for a pipeline that scales them
 * itself, e.g. with {@code StandardScaler} or {@code MinMaxScaler}); {@link Scaling#NOTEBOOK}
 * gives the notebook's {@code -1 + 2x/255}, the very float32 values the command line's kernel
 * computes, so that {@link ShallowNetClassifier} on them trains on what {@code train} trains on.
 */
public final class IdxDataFrames {

    /** How pixel values appear in the {@code features} vectors. */
    public enum Scaling {
        /** The file's values, 0..255. */
        RAW,
        /** The notebook's {@code -1 + 2x/255} in float32, in [-1, 1]: what the command line trains on. */
        NOTEBOOK
    }

    /** Columns: {@code features} (vector), {@code label} (double). */
    public static final StructType SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.DoubleType, false);

    private IdxDataFrames() {
    }

    /** The training set ({@code train-images-idx3-ubyte}, raw or {@code .gz}) of an MNIST-layout directory. */
    public static Dataset<Row> train(SparkSession spark, String dir, Scaling scaling) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        return of(spark, DataDirectory.train(conf, dir, 256), scaling, defaultPartitions(spark));
    }

    /** The test set ({@code t10k-images-idx3-ubyte}, raw or {@code .gz}) of an MNIST-layout directory. */
    public static Dataset<Row> test(SparkSession spark, String dir, Scaling scaling) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        return of(spark, DataDirectory.test(conf, dir, 256), scaling, defaultPartitions(spark));
    }

    /** Any image file with its label file, in {@code partitions} partitions of contiguous images. */
    public static Dataset<Row> load(SparkSession spark, String imagesPath, String labelsPath, Scaling scaling,
                                    int partitions) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        return of(spark, LabeledIdxFiles.validate(conf, imagesPath, labelsPath, 256), scaling, partitions);
    }

    private static int defaultPartitions(SparkSession spark) {
        return spark.sparkContext().defaultParallelism();
    }

    private static Dataset<Row> of(SparkSession spark, LabeledIdxFiles files, Scaling scaling, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableHadoopConf> conf = SerializableHadoopConf.broadcast(sc);
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        int n = files.count();
        boolean notebook = scaling == Scaling.NOTEBOOK;
        JavaRDD<Row> rows = sc.parallelize(ids, partitions).flatMap(p -> {
            int first = (int) ((long) p * n / partitions);
            int end = (int) ((long) (p + 1) * n / partitions);
            List<Row> out = new ArrayList<>(end - first);
            for (SampleBlock b : BlockReader.read(conf.value().get(), files, first, end - first,
                    BlockReader.MAX_BLOCK_SAMPLES)) {
                int ppi = b.pixelsPerSample();
                byte[] pixels = b.pixels();
                for (int s = 0; s < b.count(); s++) {
                    double[] x = new double[ppi];
                    for (int i = 0; i < ppi; i++) {
                        byte v = pixels[s * ppi + i];
                        x[i] = notebook ? NetworkKernel.scalePixel(v) : (v & 0xff);
                    }
                    out.add(RowFactory.create(Vectors.dense(x), (double) b.label(s)));
                }
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, SCHEMA);
    }
}
