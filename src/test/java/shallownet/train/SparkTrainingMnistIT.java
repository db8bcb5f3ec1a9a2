package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shallownet.train.SparkTrainingTest.relativeDifference;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shallownet.data.BlockRdds;
import shallownet.data.BlockReader;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.RealMnist;

/** The Spark job against the single-process reference on real MNIST, real Spark in local mode. */
class SparkTrainingMnistIT {

    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkTrainingMnistIT")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer"));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void realMnistOneEpochMatchesTheSingleProcessReference() throws Exception {
        String dir = RealMnist.dir();
        Configuration conf = sc.hadoopConfiguration();
        LabeledIdxFiles trainFiles = DataDirectory.train(conf, dir, 10);
        LabeledIdxFiles testFiles = DataDirectory.test(conf, dir, 10);
        NetworkShape shape = new NetworkShape(784, 64, 10);
        TrainingConfig seedRecipe = TrainingConfig.seedRecipe().withEpochs(1).withEvalEvery(0);
        float[] initial = WeightInit.initShallow(shape, seedRecipe.seed());

        LocalBackend reference = new LocalBackend(shape, BlockReader.readAll(conf, trainFiles),
                BlockReader.readAll(conf, testFiles));
        Trainer.Result expected = new Trainer(seedRecipe, shape, reference, m -> { }).train(initial);

        for (int partitions : new int[] {2, 4}) {
            JavaRDD<SampleBlock> train = BlockRdds.load(sc, trainFiles, partitions, "training set");
            JavaRDD<SampleBlock> test = BlockRdds.load(sc, testFiles, partitions, "test set");
            Trainer.Result actual = new Trainer(seedRecipe, shape,
                    new SparkBackend(sc, shape, train, trainFiles.count(), test), m -> { }).train(initial);
            double rel = relativeDifference(actual.params(), expected.params());
            System.out.printf("real MNIST, 1 epoch, %d partitions: max|spark - reference| / max|reference| = %.3e;"
                    + " test error %.2f %% vs %.2f %%%n", partitions, rel, actual.last().testErrorPct(),
                    expected.last().testErrorPct());
            assertTrue(rel < 1e-4, partitions + " partitions: relative difference " + rel);
            assertEquals(expected.last().testErrorPct(), actual.last().testErrorPct(), 0.1);
            train.unpersist();
            test.unpersist();
        }
    }

    @Test
    void realMnistFullBatchTwentyIterationsAsQ18() throws Exception {
        String dir = RealMnist.dir();
        Configuration conf = sc.hadoopConfiguration();
        LabeledIdxFiles trainFiles = DataDirectory.train(conf, dir, 10);
        LabeledIdxFiles testFiles = DataDirectory.test(conf, dir, 10);
        NetworkShape shape = new NetworkShape(784, 64, 10);
        TrainingConfig q18 = TrainingConfig.seedRecipe().withFullBatch(true).withEpochs(20);
        JavaRDD<SampleBlock> train = BlockRdds.load(sc, trainFiles, 2, "training set");
        JavaRDD<SampleBlock> test = BlockRdds.load(sc, testFiles, 2, "test set");
        Trainer.Result r = new Trainer(q18, shape, new SparkBackend(sc, shape, train, trainFiles.count(), test),
                m -> System.out.printf("full batch %2d: train loss %.6f err %.2f %%, test err %.2f %%%n",
                        m.epoch(), m.trainLoss(), m.trainErrorPct(), m.testErrorPct()))
                .train(WeightInit.initShallow(shape, q18.seed()));
        List<EpochMetrics> h = r.history();
        assertEquals(21, h.size());
        assertTrue(h.get(0).trainErrorPct() > 80, "untrained network near 90 % error: " + h.get(0));
        assertTrue(r.last().trainErrorPct() < 40, "after 20 iterations below 40 %: " + r.last());
        assertTrue(r.last().testErrorPct() < 40, "and so is the test error: " + r.last());
        int decreases = 0;
        for (int i = 1; i < h.size(); i++) {
            decreases += h.get(i).trainLoss() < h.get(i - 1).trainLoss() ? 1 : 0;
        }
        assertTrue(decreases >= 15, "loss decreasing overall: " + decreases + " of 20 iterations");
        assertTrue(r.last().trainLoss() < 0.7 * h.get(0).trainLoss());
        train.unpersist();
        test.unpersist();
    }
}
