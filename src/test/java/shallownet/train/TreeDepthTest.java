package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
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
 * The merge tree and the grouping of partitions into tasks, in real jobs (local[4], 8 cached
 * partitions): every depth and every grouping gives the weights of depth 1 to the bit, and a
 * depth of d is a job of d stages.
 */
class TreeDepthTest {

    private static final NetworkShape SMALL = new NetworkShape(40, 16, 10);
    private static JavaSparkContext sc;
    private static JavaRDD<SampleBlock> trainRdd;
    private static JavaRDD<SampleBlock> testRdd;
    /** Stages of each job, by its description. */
    private static final ConcurrentMap<String, Integer> STAGES = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[4]").setAppName("TreeDepthTest")
                .set("spark.ui.enabled", "false"));
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                String description = job.properties().getProperty("spark.job.description");
                if (description != null) {
                    STAGES.put(description, job.stageInfos().size());
                }
            }
        });
        SampleBlock train = SyntheticDigits.block(0, 700, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        trainRdd = sc.parallelize(SyntheticDigits.split(train, 8), 8).cache();
        testRdd = sc.parallelize(SyntheticDigits.split(test, 8), 8).cache();
        trainRdd.count();
        testRdd.count();
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static Trainer.Result train(SparkBackend backend) {
        TrainingConfig config = new TrainingConfig(16, 64, 0.1, 2, 5, false, 1, 10);
        return new Trainer(config, SMALL, backend, m -> { }).train(WeightInit.initShallow(SMALL, 5));
    }

    private static SparkBackend perCore(int depth) {
        return new SparkBackend(sc, SMALL, trainRdd, 700, testRdd).grouping(SparkBackend.Grouping.PER_CORE)
                .treeDepth(depth);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void deeperTreesGiveTheWeightsAndMetricsOfDepthOne(int depth) {
        SparkBackend one = perCore(1);
        SparkBackend deeper = perCore(depth);
        assertEquals(4, deeper.tasksPerStep(), "one task per core of local[4]");
        Trainer.Result expected = train(one);
        Trainer.Result actual = train(deeper);
        assertArrayEquals(expected.params(), actual.params());
        // Losses are double sums merged in the order tasks finish (at any depth): equal to rounding.
        assertEquals(expected.last().trainLoss(), actual.last().trainLoss(), 1e-12);
        assertEquals(expected.last().testLoss(), actual.last().testLoss(), 1e-12);
        assertEquals(expected.last().testErrorPct(), actual.last().testErrorPct());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aTreeOfDepthDIsAJobOfDStages(int depth) {
        float[] params = WeightInit.initShallow(SMALL, 5);
        String description = "tree depth " + depth + " step";
        perCore(depth).gradientSum(params, new int[] {0, 5, 99, 350, 699}, description);
        assertEquals(depth, STAGES.get(description));
    }

    @Test
    void oneTaskPerExecutorGivesTheWeightsOfOneTaskPerCore() {
        SparkBackend perExecutor = new SparkBackend(sc, SMALL, trainRdd, 700, testRdd)
                .grouping(SparkBackend.Grouping.PER_EXECUTOR);
        assertEquals(1, perExecutor.tasksPerStep(), "local mode is one executor");
        assertArrayEquals(train(perCore(1)).params(), train(perExecutor).params());
    }

    @Test
    void autoIsDepthOneForAFewTasksAndTwoBeyondTheCrossover() {
        assertEquals(1, AggregationTree.depthFor(AggregationTree.AUTO, 4));
        assertEquals(1, AggregationTree.depthFor(AggregationTree.AUTO, AggregationTree.AUTO_CROSSOVER_TASKS));
        assertEquals(2, AggregationTree.depthFor(AggregationTree.AUTO, AggregationTree.AUTO_CROSSOVER_TASKS + 1));
        assertEquals(3, AggregationTree.depthFor(3, 4));
    }

    @Test
    void theDepthIsParsedAsTheOptionTakesIt() {
        assertEquals(AggregationTree.AUTO, AggregationTree.parse("auto"));
        assertEquals(2, AggregationTree.parse("2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AggregationTree.parse("4"));
        assertEquals("tree depth must be auto, 1, 2 or 3, not '4'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> perCore(0).treeDepth(5));
    }

    @Test
    void aLevelMergesAtMostScalePartials() {
        assertEquals(2, AggregationTree.scale(4, 2));
        assertEquals(32, AggregationTree.scale(1000, 2));
        assertEquals(10, AggregationTree.scale(1000, 3));
        assertEquals(List.of(2, 2), List.of(AggregationTree.scale(2, 2), AggregationTree.scale(3, 3)));
    }
}
