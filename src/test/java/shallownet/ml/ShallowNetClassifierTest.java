package shallownet.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.logging.log4j.Level;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.data.BlockRdds;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.ExpectedLog;
import shallownet.testutil.IdxFixtures;
import shallownet.train.SparkBackend;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;

/** The Estimator on shapes other than MNIST's, its params, persistence and errors; real Spark, local mode. */
class ShallowNetClassifierTest {

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = MlSpark.start("ShallowNetClassifierTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Three Gaussian clusters in 5 dimensions, far apart (unscaled: centres at +-4): separable. */
    static Dataset<Row> clusters(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centres = {{4, 0, -4, 0, 1}, {-4, 4, 0, 0, 1}, {0, -4, 4, 4, -1}};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            double[] x = new double[5];
            for (int j = 0; j < 5; j++) {
                x[j] = centres[c][j] + r.nextGaussian();
            }
            rows.add(RowFactory.create(Vectors.dense(x), (double) c));
        }
        return spark.createDataFrame(rows, IdxDataFrames.SCHEMA).repartition(2);
    }

    private static double accuracy(Dataset<Row> predictions) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    @Test
    void learnsThreeClassesFromFiveFeatures() {
        Dataset<Row> train = clusters(600, 1);
        Dataset<Row> test = clusters(300, 2);
        ShallowNetClassifier clf = new ShallowNetClassifier().setHiddenSize(8).setBatchSize(20).setEpochs(10)
                .setLearningRate(0.2).setSeed(3);
        ShallowNetClassificationModel model = clf.fit(train);
        assertEquals(3, model.numClasses());
        assertEquals(5, model.numFeatures());
        assertEquals(new NetworkShape(5, 8, 3), model.shape());
        assertEquals(clf.uid(), model.parent().uid());

        Dataset<Row> predicted = model.transform(test);
        double acc = accuracy(predicted);
        assertTrue(acc > 0.95, "accuracy " + acc);
        assertTrue(model.summary().trainErrorPct() < 5, "training error " + model.summary().trainErrorPct());
        assertEquals(600, model.summary().samples());
        for (Row row : predicted.select("rawPrediction", "probability", "prediction").collectAsList()) {
            Vector raw = row.getAs(0);
            Vector p = row.getAs(1);
            assertEquals(3, raw.size());
            double sum = 0;
            for (int i = 0; i < 3; i++) {
                sum += p.apply(i);
            }
            assertEquals(1, sum, 1e-9);
            assertEquals(p.argmax(), (int) row.getDouble(2));
            assertEquals(raw.argmax(), (int) row.getDouble(2));
        }
    }

    @Test
    void theFittedModelExportsToOnnxWithItsFeaturesAsGiven() throws Exception {
        ShallowNetClassificationModel model = new ShallowNetClassifier().setHiddenSize(8).setBatchSize(20)
                .setEpochs(5).setLearningRate(0.2).setSeed(3).fit(clusters(600, 1));
        List<Row> rows = model.transform(clusters(300, 2)).select("features", "probability", "prediction")
                .collectAsList();
        Path onnx = tmp.resolve("served/ml.onnx");
        model.writeOnnx(onnx.toString());
        float[] x = new float[rows.size() * 5];
        for (int i = 0; i < rows.size(); i++) {
            Vector v = rows.get(i).getAs(0);
            for (int j = 0; j < 5; j++) {
                x[i * 5 + j] = (float) v.apply(j);
            }
        }
        try (shallownet.testutil.OnnxRunner r = new shallownet.testutil.OnnxRunner(java.nio.file.Files.readAllBytes(onnx))) {
            assertEquals(java.util.Set.of("features"), r.session().getInputInfo().keySet());
            assertEquals("600", r.session().getMetadata().getCustomMetadata().get("train_samples"));
            shallownet.testutil.OnnxRunner.Output out = r.run("features", x, rows.size(), 5);
            java.util.Set<Long> labels = new java.util.TreeSet<>();
            for (int i = 0; i < rows.size(); i++) {
                Vector p = rows.get(i).getAs(1);
                assertEquals(rows.get(i).getDouble(2), (double) out.labels()[i], "prediction of row " + i);
                labels.add(out.labels()[i]);
                for (int c = 0; c < 3; c++) {
                    assertEquals(p.apply(c), out.probabilities()[i][c], 1e-5, "probability " + c + " of row " + i);
                }
            }
            assertEquals(java.util.Set.of(0L, 1L, 2L), labels);
        }
    }

    /**
     * Plain columns as users have them: five numeric columns and a class name. StringIndexer makes
     * the label (with the number of classes in its metadata), VectorAssembler the feature vector.
     */
    @Test
    void pipelineWithStringIndexerAndVectorAssemblerOnPlainColumns() throws Exception {
        String[] names = {"left", "middle", "right"};
        List<Row> rows = new ArrayList<>();
        for (Row r : clusters(600, 6).collectAsList()) {
            Vector x = r.getAs(0);
            rows.add(RowFactory.create(x.apply(0), x.apply(1), x.apply(2), x.apply(3), x.apply(4),
                    names[(int) r.getDouble(1)]));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("a", "double").add("b", "double").add("c", "double").add("d", "double").add("e", "double")
                .add("kind", "string");
        Dataset<Row>[] parts = spark.createDataFrame(rows, schema).randomSplit(new double[] {0.7, 0.3}, 7);
        org.apache.spark.ml.Pipeline pipeline = new org.apache.spark.ml.Pipeline().setStages(
                new org.apache.spark.ml.PipelineStage[] {
                    new org.apache.spark.ml.feature.StringIndexer().setInputCol("kind").setOutputCol("label"),
                    new org.apache.spark.ml.feature.VectorAssembler()
                            .setInputCols(new String[] {"a", "b", "c", "d", "e"}).setOutputCol("features"),
                    new ShallowNetClassifier().setHiddenSize(8).setBatchSize(20).setEpochs(10).setLearningRate(0.2)
                            .setNumPartitions(3)});
        org.apache.spark.ml.PipelineModel fitted = pipeline.fit(parts[0]);
        ShallowNetClassificationModel model = (ShallowNetClassificationModel) fitted.stages()[2];
        assertEquals(new NetworkShape(5, 8, 3), model.shape());
        double acc = accuracy(fitted.transform(parts[1]));
        assertTrue(acc > 0.95, "accuracy " + acc);

        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        org.apache.spark.ml.PipelineModel loaded = org.apache.spark.ml.PipelineModel.load(path);
        assertEquals(fitted.transform(parts[1]).select("probability", "prediction").collectAsList(),
                loaded.transform(parts[1]).select("probability", "prediction").collectAsList());
    }

    @Test
    void aHiddenSizeThatCannotFitFailsBeforeTrainingWithTheEstimate() {
        // 5 features, 3 classes: 20,000,000 hidden units are 180 million parameters, 4.3 GB on the driver alone.
        shallownet.BadInputException e = assertThrows(shallownet.BadInputException.class,
                () -> new ShallowNetClassifier().setHiddenSize(20_000_000).fit(clusters(60, 1)));
        assertTrue(e.getMessage().startsWith("hiddenSize 20000000: 180,000,003 parameters need at least "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(spark.driver.memory)"), "Spark's key, not a flag: " + e.getMessage());
    }

    @Test
    void theCoreNamesOfTheSettingsItTakesAreItsParamsOrSparksKeys() {
        // What trainingConfig and the divergence guard take from the params, by the core's names.
        ShallowNetClassifier c = new ShallowNetClassifier();
        for (String core : List.of("hidden", "batchSize", "learningRate", "epochs", "momentum", "nesterov", "decay",
                "stepEpochs", "weightDecay", "schedule", "maxLossFactor")) {
            assertTrue(c.hasParam(ShallowNetClassifier.PARAM_NAMES.getOrDefault(core, core)), core);
        }
        assertEquals("spark.executor.memory", ShallowNetClassifier.sparkKey("executorMemory"));
    }

    @Test
    void paramsHaveTheSeedRecipeAsDefaultsAndSettersChangeThem() {
        ShallowNetClassifier clf = new ShallowNetClassifier();
        assertEquals(64, clf.getHiddenSize());
        assertEquals(100, clf.getBatchSize());
        assertEquals(0.05, clf.getLearningRate());
        assertEquals(5, clf.getEpochs());
        assertEquals(1L, clf.getSeed());
        assertEquals("constant", clf.getLrSchedule());
        assertEquals("features", clf.getFeaturesCol());
        assertEquals("probability", clf.getProbabilityCol());
        // The notebook's recipe; the decay (the command line's default too) matters only to other schedules.
        assertEquals(TrainingConfig.seedRecipe().withEvalEvery(0).withOptimizer(new TrainingConfig.Optimizer(0, false,
                shallownet.train.LearningRateSchedule.CONSTANT, 0.9, 1, 0)), clf.trainingConfig(10));

        clf.setMomentum(0.9).setNesterov(true).setLrSchedule("cosine").setWeightDecay(1e-4).setBatchSize(250);
        TrainingConfig c = clf.trainingConfig(4);
        assertEquals(0.9, c.optimizer().momentum());
        assertTrue(c.optimizer().nesterov());
        assertEquals(250, c.batchSize());
        assertEquals(4, c.classes());
        assertThrows(IllegalArgumentException.class, () -> clf.setHiddenSize(0));
        assertThrows(IllegalArgumentException.class, () -> clf.setLrSchedule("linear"));

        ShallowNetClassifier copy = clf.copy(new org.apache.spark.ml.param.ParamMap().put(clf.hiddenSize().w(7)));
        assertEquals(clf.uid(), copy.uid());
        assertEquals(7, copy.getHiddenSize());
        assertEquals(64, clf.getHiddenSize());
        assertEquals(250, copy.getBatchSize());
        assertTrue(clf.explainParams().contains("hiddenSize: number of hidden (ReLU) units"), clf.explainParams());
    }

    @Test
    void savedAndLoadedModelPredictsIdenticallyAndTheEstimatorKeepsItsParams() throws Exception {
        Dataset<Row> train = clusters(300, 4);
        ShallowNetClassifier clf = new ShallowNetClassifier().setHiddenSize(6).setBatchSize(30).setEpochs(3)
                .setLearningRate(0.1).setSeed(9).setPredictionCol("guess");
        ShallowNetClassificationModel model = clf.fit(train);
        String path = tmp.resolve("model").toString();
        model.write().overwrite().save(path);
        model.write().overwrite().save(path);
        ShallowNetClassificationModel loaded = ShallowNetClassificationModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals("guess", loaded.getPredictionCol());
        assertArrayEquals(model.parameters(), loaded.parameters());
        Dataset<Row> test = clusters(200, 5);
        assertEquals(model.transform(test).select("rawPrediction", "probability", "guess").collectAsList(),
                loaded.transform(test).select("rawPrediction", "probability", "guess").collectAsList());

        String estPath = tmp.resolve("estimator").toString();
        clf.save(estPath);
        ShallowNetClassifier back = ShallowNetClassifier.load(estPath);
        assertEquals(clf.uid(), back.uid());
        assertEquals(6, back.getHiddenSize());
        assertEquals(9L, back.getSeed());
        assertEquals("guess", back.getPredictionCol());
        assertArrayEquals(model.parameters(), back.fit(train).parameters(), "same params, same seed: same model");
    }

    @Test
    void aModelSavedByAnEarlierReleaseLoadsAndNonFiniteWeightsAreRefused() throws Exception {
        ShallowNetClassificationModel model = new ShallowNetClassifier().setHiddenSize(4).setBatchSize(30)
                .setEpochs(1).setSeed(3).fit(clusters(120, 4));
        String path = tmp.resolve("v1-model").toString();
        model.write().overwrite().save(path);
        // Rewrite data/ as the earlier format did: no version column, the weights as an array of floats.
        float[] params = model.parameters();
        List<Float> values = new java.util.ArrayList<>();
        for (float p : params) {
            values.add(p);
        }
        org.apache.spark.sql.types.StructType v1 = new org.apache.spark.sql.types.StructType()
                .add("inputs", org.apache.spark.sql.types.DataTypes.IntegerType, false)
                .add("hidden", org.apache.spark.sql.types.DataTypes.IntegerType, false)
                .add("outputs", org.apache.spark.sql.types.DataTypes.IntegerType, false)
                .add("params", org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.FloatType, false), false);
        String data = tmp.resolve("v1-model/data").toString();
        spark.createDataFrame(List.of(RowFactory.create(model.shape().inputs(), model.shape().hidden(),
                model.shape().outputs(), values)), v1).write().mode("overwrite").parquet(data);
        assertArrayEquals(params, ShallowNetClassificationModel.load(path).parameters(), "format 1 read");

        values.set(5, Float.NaN);
        spark.createDataFrame(List.of(RowFactory.create(model.shape().inputs(), model.shape().hidden(),
                model.shape().outputs(), values)), v1).write().mode("overwrite").parquet(data);
        RuntimeException e = assertThrows(RuntimeException.class, () -> ShallowNetClassificationModel.load(path));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void labelsThatAreNotClassIndicesAreRefusedWithTheRow() {
        // Each refusal fails a Spark task first: Spark logs it (ERROR with the stack trace) before
        // the job fails; kept here and asserted instead of filling the build log.
        try (ExpectedLog sparkLog = ExpectedLog.of("org.apache.spark")) {
            List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2), 0.0), RowFactory.create(Vectors.dense(3, 4), 1.5));
            Dataset<Row> df = spark.createDataFrame(rows, IdxDataFrames.SCHEMA).coalesce(1);
            // Spark's own check (counting the classes) is the first to see it.
            Exception e = assertThrows(Exception.class, () -> new ShallowNetClassifier().fit(df));
            assertTrue(rootMessage(e).contains("Labels MUST be Integers, but got 1.5"), rootMessage(e));

            // Labels beyond the classes that the column's metadata declares: this project's check.
            org.apache.spark.sql.types.Metadata twoClasses = org.apache.spark.ml.attribute.NominalAttribute.defaultAttr()
                    .withNumValues(2).toMetadata();
            List<Row> three = List.of(RowFactory.create(Vectors.dense(1, 2), 0.0), RowFactory.create(Vectors.dense(3, 4), 2.0));
            Dataset<Row> df3 = spark.createDataFrame(three, IdxDataFrames.SCHEMA).coalesce(1);
            Dataset<Row> declared = df3.withColumn("label", df3.col("label").as("label", twoClasses));
            Exception e3 = assertThrows(Exception.class, () -> new ShallowNetClassifier().fit(declared));
            assertTrue(rootMessage(e3).contains("row 1: label 2.0 is not a class index in 0..1"), rootMessage(e3));

            List<Row> ragged = List.of(RowFactory.create(Vectors.dense(1, 2), 0.0), RowFactory.create(Vectors.dense(3), 1.0));
            Dataset<Row> df2 = spark.createDataFrame(ragged, IdxDataFrames.SCHEMA).coalesce(1);
            Exception e2 = assertThrows(Exception.class, () -> new ShallowNetClassifier().fit(df2));
            assertTrue(rootMessage(e2).contains("row 1: feature vector of size 1, expected 2"), rootMessage(e2));

            for (String refused : List.of("Labels MUST be Integers, but got 1.5", "row 1: label 2.0 is not a class index",
                    "row 1: feature vector of size 1, expected 2")) {
                assertFalse(sparkLog.find(Level.ERROR, refused).isEmpty(),
                        "Spark logged the failed task: " + refused + " in " + sparkLog.lines());
            }
        }
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    /**
     * "The same distributed trainer": on IDX files read with the notebook's scaling, the Estimator
     * (float feature blocks from a DataFrame) ends with exactly the weights that the command line's
     * path (uint8 blocks read by BlockRdds, Trainer with SparkBackend) ends with: both cut the samples
     * into the same contiguous ranges per partition, and partial gradients are merged exactly.
     */
    @Test
    void onNotebookScaledIdxDataTheEstimatorGivesTheCommandLinesWeightsBitForBit() throws Exception {
        IdxFixtures.DataSet d = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 900, 10, 6, 7, 10, true);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LabeledIdxFiles files = LabeledIdxFiles.validate(sc.hadoopConfiguration(), d.trainImages().toString(),
                d.trainLabels().toString(), 10);
        int partitions = 3;
        TrainingConfig config = new TrainingConfig(12, 50, 0.1, 2, 7, false, 0, 10);
        NetworkShape shape = new NetworkShape(42, 12, 10);
        JavaRDD<SampleBlock> blocks = BlockRdds.load(sc, files, partitions, "cli path");
        JavaRDD<SampleBlock> none = sc.emptyRDD();
        float[] cli = new Trainer(config, shape, new SparkBackend(sc, shape, blocks, files.count(), none), m -> { })
                .train(WeightInit.initShallow(shape, 7)).params();
        blocks.unpersist();

        Dataset<Row> df = IdxDataFrames.load(spark, d.trainImages().toString(), d.trainLabels().toString(),
                IdxDataFrames.Scaling.NOTEBOOK, partitions);
        assertEquals(900, df.count());
        ShallowNetClassificationModel model = new ShallowNetClassifier().setHiddenSize(12).setBatchSize(50)
                .setLearningRate(0.1).setEpochs(2).setSeed(7).fit(df);
        assertEquals(10, model.numClasses(), "max label + 1 of the fixture's labels");
        assertArrayEquals(cli, model.parameters());
        assertNotEquals(0f, cli[0] - WeightInit.initShallow(shape, 7)[0], "training moved the weights");
    }

    @Test
    void idxDataFramesKeepsTheFileOrderAndOffersRawOrNotebookScaling() throws Exception {
        IdxFixtures.DataSet d = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 50, 20, 3, 4, 10, false);
        Dataset<Row> raw = IdxDataFrames.load(spark, d.trainImages().toString(), d.trainLabels().toString(),
                IdxDataFrames.Scaling.RAW, 3);
        Dataset<Row> scaled = IdxDataFrames.train(spark, d.dir().toString(), IdxDataFrames.Scaling.NOTEBOOK);
        List<Row> r = raw.collectAsList();
        List<Row> s = scaled.collectAsList();
        byte[] pixels = IdxFixtures.pixels(0, 50, 12);
        byte[] labels = IdxFixtures.labels(0, 50, 10);
        assertEquals(50, r.size());
        for (int i = 0; i < 50; i++) {
            Vector x = r.get(i).getAs("features");
            Vector y = s.get(i).getAs("features");
            assertEquals(labels[i], (byte) r.get(i).getDouble(1));
            for (int j = 0; j < 12; j++) {
                int v = pixels[i * 12 + j] & 0xff;
                assertEquals(v, x.apply(j));
                assertEquals(-1f + 2f * v / 255f, (float) y.apply(j));
            }
        }
        assertEquals(20, IdxDataFrames.test(spark, d.dir().toString(), IdxDataFrames.Scaling.RAW).count());
    }
}
