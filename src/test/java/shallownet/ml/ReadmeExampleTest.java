package shallownet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.data.SampleBlock;
import shallownet.testutil.Docs;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.StandaloneCluster;
import shallownet.testutil.SyntheticDigits;

/**
 * The Spark ML example of docs/spark-ml.md ("A pipeline example", once the README's), verbatim (checked),
 * run on small learnable IDX files.
 */
class ReadmeExampleTest {

    @TempDir
    Path tmp;

    // docs/spark-ml.md begin
    static double example(SparkSession spark, String dir, String modelDir) throws Exception {
        // features: the pixels 0..255 as a dense vector; label: the digit as a double
        Dataset<Row> train = IdxDataFrames.train(spark, dir, IdxDataFrames.Scaling.RAW);
        Dataset<Row> test = IdxDataFrames.test(spark, dir, IdxDataFrames.Scaling.RAW);

        StandardScaler scaler = new StandardScaler().setInputCol("features").setOutputCol("scaled")
                .setWithMean(true);
        ShallowNetClassifier net = new ShallowNetClassifier()   // defaults: the notebook's recipe
                .setFeaturesCol("scaled").setHiddenSize(64).setEpochs(5).setSeed(1);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {scaler, net});

        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(net.learningRate(), new double[] {0.05, 0.1})
                .build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy");
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy).setNumFolds(2).fit(train);

        PipelineModel best = (PipelineModel) cv.bestModel();
        best.write().overwrite().save(modelDir);
        PipelineModel loaded = PipelineModel.load(modelDir);
        double testAccuracy = accuracy.evaluate(loaded.transform(test));
        return testAccuracy;
    }
    // docs/spark-ml.md end

    @Test
    void theReadmeExampleRunsAndLearns() throws Exception {
        Path dir = tmp.resolve("digits");
        writeIdx(dir, "train", SyntheticDigits.block(0, 600, 64, 10, 1));
        writeIdx(dir, "t10k", SyntheticDigits.block(0, 200, 64, 10, 2));
        SparkSession spark = MlSpark.start("ReadmeExampleTest");
        try {
            double acc = example(spark, dir.toString(), tmp.resolve("model").toString());
            assertTrue(acc > 0.9, "test accuracy " + acc);
        } finally {
            spark.stop();
        }
    }

    @Test
    void docsSparkMlShowsThisCode() throws Exception {
        Path project = StandaloneCluster.projectDir();
        String source = Files.readString(project.resolve("src/test/java/shallownet/ml/ReadmeExampleTest.java"));
        String begin = "    // docs/spark-ml.md begin\n";
        String code = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("    // docs/spark-ml.md end"));
        String shown = code.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .reduce("", (a, b) -> a + b + "\n");
        List<String> blocks = Docs.codeBlocks("docs/spark-ml.md", "A pipeline example");
        assertEquals(1, blocks.size(), "one code block under 'A pipeline example'");
        String block = blocks.get(0);
        // the page shows the imports the method needs, then the method itself
        assertTrue(block.endsWith("\n\n" + shown), "docs/spark-ml.md's Java example differs from ReadmeExampleTest.example:\n"
                + shown + "\nthe page shows:\n" + block);
        String imports = block.substring(0, block.length() - shown.length()).strip();
        assertTrue(imports.lines().allMatch(l -> l.startsWith("import ") && l.endsWith(";")), imports);
    }

    private static void writeIdx(Path dir, String set, SampleBlock b) {
        IdxFixtures.write(dir.resolve(set + "-images-idx3-ubyte"),
                IdxFixtures.idx(IdxFixtures.IMAGES_MAGIC, new int[] {b.count(), 8, 8}, b.pixels()));
        IdxFixtures.write(dir.resolve(set + "-labels-idx1-ubyte"), IdxFixtures.labelFile(b.labels()));
    }
}
