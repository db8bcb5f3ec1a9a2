package shallownet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.RealMnist;

/**
 * The Estimator as Spark users use it, on a slice of real MNIST: a Pipeline of StandardScaler and
 * ShallowNetClassifier, tuned by CrossValidator over a 2x2 grid with 2 folds, judged by
 * MulticlassClassificationEvaluator on held-out digits, then saved and loaded.
 */
class ShallowNetPipelineMnistIT {

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = MlSpark.start("ShallowNetPipelineMnistIT");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void crossValidatedPipelineClassifiesHeldOutDigitsAndSurvivesSaveAndLoad() throws Exception {
        String dir = RealMnist.dir();
        // The first 2,000 training and 500 test digits, raw pixels 0..255: the pipeline scales them.
        Dataset<Row> train = IdxDataFrames.train(spark, dir, IdxDataFrames.Scaling.RAW).limit(2000).cache();
        Dataset<Row> test = IdxDataFrames.test(spark, dir, IdxDataFrames.Scaling.RAW).limit(500).cache();
        assertEquals(2000, train.count());
        assertEquals(500, test.count());

        StandardScaler scaler = new StandardScaler().setInputCol("features").setOutputCol("scaled")
                .setWithMean(true).setWithStd(true);
        ShallowNetClassifier net = new ShallowNetClassifier().setFeaturesCol("scaled").setEpochs(8).setBatchSize(50);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {scaler, net});
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(net.hiddenSize(), new int[] {16, 64})
                .addGrid(net.learningRate(), new double[] {0.01, 0.1})
                .build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
                .setEvaluator(accuracy).setNumFolds(2).setSeed(5);
        CrossValidatorModel cvModel = cv.fit(train);

        double[] foldMeans = cvModel.avgMetrics();
        System.out.println("cross-validated accuracy per grid point: " + Arrays.toString(foldMeans));
        assertEquals(4, foldMeans.length);
        PipelineModel best = (PipelineModel) cvModel.bestModel();
        ShallowNetClassificationModel bestNet = (ShallowNetClassificationModel) best.stages()[1];
        System.out.println("best: " + bestNet.shape() + ", learning rate "
                + ((ShallowNetClassifier) bestNet.parent()).getLearningRate());
        // The grid's best point is the one with the highest mean over the folds.
        int bestIndex = 0;
        for (int i = 1; i < foldMeans.length; i++) {
            if (foldMeans[i] > foldMeans[bestIndex]) {
                bestIndex = i;
            }
        }
        assertEquals(grid[bestIndex].get(net.hiddenSize()).get(), bestNet.shape().hidden());

        Dataset<Row> predicted = best.transform(test);
        double acc = accuracy.evaluate(predicted);
        System.out.println("held-out accuracy of the best pipeline on 500 test digits: " + acc);
        // 2,000 training digits: a linear model reaches about 0.85; chance is 0.1.
        assertTrue(acc > 0.85, "held-out accuracy " + acc);
        assertTrue(foldMeans[bestIndex] > 0.8, "cross-validated accuracy " + foldMeans[bestIndex]);

        String path = tmp.resolve("pipeline").toString();
        best.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        List<Row> before = predicted.select("rawPrediction", "probability", "prediction").collectAsList();
        List<Row> after = loaded.transform(test).select("rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(before, after);
        assertEquals(acc, accuracy.evaluate(loaded.transform(test)));
    }
}
