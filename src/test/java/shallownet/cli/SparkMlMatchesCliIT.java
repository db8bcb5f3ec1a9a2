package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.ml.IdxDataFrames;
import shallownet.ml.ShallowNetClassificationModel;
import shallownet.ml.ShallowNetClassifier;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.testutil.RealMnist;

/**
 * The acceptance check of the Spark ML Estimator: with the seed recipe (its defaults: 5 epochs,
 * B=100, lr 0.05, seed 1) on the full real MNIST, read with the notebook's scaling, its test error
 * matches the command line's {@code train} within 0.3 points. One run of each, on local[2].
 */
class SparkMlMatchesCliIT {

    @TempDir
    Path tmp;

    @Test
    void estimatorWithTheSeedRecipeMatchesTheCommandLinesTestError() throws Exception {
        String data = RealMnist.dir();
        Path model = tmp.resolve("cli-model");
        Path metrics = tmp.resolve("m.jsonl");
        CliRunner.Outcome r = CliRunner.run("train", "--data", data, "--master", "local[2]", "--seed", "1",
                "--eval-every", "0", "--metrics-out", metrics.toString(), "--model-out", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(metrics);
        JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        double cliTestError = last.get("test_error_pct").asDouble();

        SparkSession spark = SparkSession.builder().master("local[2]").appName("SparkMlMatchesCliIT")
                .config("spark.ui.enabled", "false")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer").getOrCreate();
        try {
            Dataset<Row> train = IdxDataFrames.train(spark, data, IdxDataFrames.Scaling.NOTEBOOK);
            Dataset<Row> test = IdxDataFrames.test(spark, data, IdxDataFrames.Scaling.NOTEBOOK);
            ShallowNetClassificationModel fitted = new ShallowNetClassifier().fit(train);
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                    .evaluate(fitted.transform(test));
            double mlTestError = 100 * (1 - accuracy);

            SavedModel cliModel = ModelFiles.load(spark.sparkContext().hadoopConfiguration(), model.toString());
            float[] cliParams = cliModel.params();
            float[] mlParams = fitted.parameters();
            double maxDiff = 0;
            for (int i = 0; i < mlParams.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(mlParams[i] - cliParams[i]));
            }
            System.out.printf("seed recipe on MNIST: test error %.2f %% (train CLI) vs %.2f %% (ShallowNetClassifier); "
                    + "training error %.3f %% vs %.3f %%; max |weight difference| %.3g%n", cliTestError, mlTestError,
                    last.get("train_error_pct").asDouble(), fitted.summary().trainErrorPct(), maxDiff);
            assertEquals(60000, fitted.summary().samples());
            assertTrue(Math.abs(mlTestError - cliTestError) <= 0.3,
                    "Estimator " + mlTestError + " % vs command line " + cliTestError + " %");
            assertTrue(mlTestError < 5.5, "the seed recipe's test error, " + mlTestError + " %");

            // The command line's model in a Spark ML pipeline: the same test error as train reported.
            ShallowNetClassificationModel wrapped = ShallowNetClassificationModel.of(cliModel.shape(), cliParams);
            double wrappedError = 100 * (1 - new MulticlassClassificationEvaluator().setMetricName("accuracy")
                    .evaluate(wrapped.transform(test)));
            assertEquals(cliTestError, wrappedError, 1e-9);
        } finally {
            spark.stop();
        }
    }
}
