package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shallownet.data.SampleBlock;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.SyntheticDigits;

/**
 * The Spark job against the single-process reference, on real Spark in local mode, on synthetic
 * digits; the same on real MNIST is {@link SparkTrainingMnistIT}.
 */
class SparkTrainingTest {

    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkTrainingTest")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer"));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** max |a - b| / max |b|: the relative difference the acceptance criteria use. */
    static double relativeDifference(float[] a, float[] b) {
        double diff = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            max = Math.max(max, Math.abs(b[i]));
        }
        return diff / max;
    }

    private static final NetworkShape SMALL = new NetworkShape(40, 16, 10);

    private static Trainer.Result trainSmall(TrainingBackend backend) {
        TrainingConfig config = new TrainingConfig(16, 64, 0.1, 2, 5, false, 1, 10);
        return new Trainer(config, SMALL, backend, m -> { }).train(WeightInit.initShallow(SMALL, 5));
    }

    @Test
    void onePartitionGivesTheReferenceBitForBit() {
        SampleBlock train = SyntheticDigits.block(0, 700, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        Trainer.Result local = trainSmall(new LocalBackend(SMALL, train, test));
        JavaRDD<SampleBlock> trainRdd = sc.parallelize(List.of(train), 1).cache();
        JavaRDD<SampleBlock> testRdd = sc.parallelize(List.of(test), 1).cache();
        Trainer.Result spark = trainSmall(new SparkBackend(sc, SMALL, trainRdd, 700, testRdd));
        assertArrayEquals(local.params(), spark.params());
        assertEquals(local.last(), withTimesOf(spark.last(), local.last()));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 7})
    void partitioningChangesOnlyFloatRounding(int partitions) {
        SampleBlock train = SyntheticDigits.block(0, 700, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        Trainer.Result local = trainSmall(new LocalBackend(SMALL, train, test));
        JavaRDD<SampleBlock> trainRdd = sc.parallelize(SyntheticDigits.split(train, partitions), partitions).cache();
        JavaRDD<SampleBlock> testRdd = sc.parallelize(SyntheticDigits.split(test, partitions), partitions).cache();
        Trainer.Result spark = trainSmall(new SparkBackend(sc, SMALL, trainRdd, 700, testRdd));
        double rel = relativeDifference(spark.params(), local.params());
        assertTrue(rel < 1e-5, "relative difference " + rel);
        assertEquals(local.last().testErrorPct(), spark.last().testErrorPct(), 0.5 + 1e-9);
    }

    /**
     * Partitions of several blocks each (as BlockReader caches large partitions): the Spark job's
     * weights equal, to the bit, those of folding each partition block by block with every block
     * scanning the whole minibatch (the fold before issue 26), partitions merged exactly.
     */
    @Test
    void partitionsOfManyBlocksGiveTheBlockByBlockFoldBitForBit() {
        SampleBlock train = SyntheticDigits.block(0, 700, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        List<SampleBlock> blocks = SyntheticDigits.split(train, 9);
        List<List<SampleBlock>> partitions = List.of(blocks.subList(0, 4), blocks.subList(4, 5), blocks.subList(5, 9));
        TrainingBackend reference = new BlockByBlock(SMALL, partitions, new LocalBackend(SMALL, train, test));
        JavaRDD<SampleBlock> trainRdd = sc.parallelize(partitions.get(0), 1)
                .union(sc.parallelize(partitions.get(1), 1))
                .union(sc.parallelize(partitions.get(2), 1)).cache();
        assertEquals(3, trainRdd.getNumPartitions());
        JavaRDD<SampleBlock> testRdd = sc.parallelize(List.of(test), 1).cache();
        Trainer.Result expected = trainSmall(reference);
        Trainer.Result spark = trainSmall(new SparkBackend(sc, SMALL, trainRdd, 700, testRdd));
        assertArrayEquals(expected.params(), spark.params());
    }

    /** The gradient as the job folded it before issue 26: per partition, block after block, each scanning the batch. */
    private static final class BlockByBlock implements TrainingBackend {
        private final NetworkShape shape;
        private final List<List<SampleBlock>> partitions;
        private final TrainingBackend evaluation;

        BlockByBlock(NetworkShape shape, List<List<SampleBlock>> partitions, TrainingBackend evaluation) {
            this.shape = shape;
            this.partitions = partitions;
            this.evaluation = evaluation;
        }

        @Override
        public int trainCount() {
            return evaluation.trainCount();
        }

        @Override
        public GradientSum gradientSum(float[] params, int[] batch, String description) {
            GradientSum acc = new GradientSum();
            for (List<SampleBlock> partition : partitions) {
                GradientSum p = new GradientSum();
                for (SampleBlock b : partition) {
                    p.add(b, shape, params, batch);
                }
                acc = acc.merge(p);
            }
            return acc;
        }

        @Override
        public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
            return evaluation.evaluateTrain(params, validation, description);
        }

        @Override
        public shallownet.net.EvalSums evaluateTest(float[] params, String description) {
            return evaluation.evaluateTest(params, description);
        }
    }

    @Test
    void optimizerOptionsAndValidationSplitRunTheSameOnSpark() {
        SampleBlock train = SyntheticDigits.block(0, 700, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        TrainingConfig c = new TrainingConfig(16, 64, 0.05, 3, 5, false, 1, 10)
                .withOptimizer(new TrainingConfig.Optimizer(0.9, true, LearningRateSchedule.COSINE, 1, 1, 1e-4))
                .withValidation(0.2, 2);
        float[] initial = WeightInit.initShallow(SMALL, 5);
        Trainer.Result local = new Trainer(c, SMALL, new LocalBackend(SMALL, train, test), m -> { }).train(initial);
        JavaRDD<SampleBlock> trainRdd = sc.parallelize(SyntheticDigits.split(train, 3), 3).cache();
        JavaRDD<SampleBlock> testRdd = sc.parallelize(SyntheticDigits.split(test, 3), 3).cache();
        Trainer.Result spark = new Trainer(c, SMALL, new SparkBackend(sc, SMALL, trainRdd, 700, testRdd), m -> { })
                .train(initial);
        double rel = relativeDifference(spark.params(), local.params());
        assertTrue(rel < 1e-5, "relative difference " + rel);
        assertEquals(local.history().size(), spark.history().size());
        for (int i = 0; i < local.history().size(); i++) {
            EpochMetrics l = local.history().get(i);
            EpochMetrics s = spark.history().get(i);
            assertEquals(l.validationLoss(), s.validationLoss(), 1e-4 * l.validationLoss());
            assertEquals(l.validationErrorPct(), s.validationErrorPct(), 0.75 + 1e-9); // at most one of 140 samples
        }
    }

    private static EpochMetrics withTimesOf(EpochMetrics m, EpochMetrics times) {
        return new EpochMetrics(m.epoch(), m.trainLoss(), m.trainErrorPct(), m.testLoss(), m.testErrorPct(),
                times.elapsedSeconds(), times.epochSeconds(), m.validationLoss(), m.validationErrorPct(),
                times.trainSeconds());
    }
}
