package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import shallownet.data.SampleBlock;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.SyntheticDigits;

/** The report's misclassified digits: the lowest indices, whatever the partitioning, on real Spark too. */
class MisclassifiedSamplesTest {

    private static final NetworkShape SHAPE = new NetworkShape(40, 8, 10);
    private static final SampleBlock WHOLE = SyntheticDigits.block(0, 500, 40, 10, 3);
    /** Untrained weights: most samples are misclassified. */
    private static final float[] PARAMS = WeightInit.initShallow(SHAPE, 11);

    /** Brute force: predict every sample, keep the wrong ones in index order. */
    private static List<int[]> expected(int limit) {
        int[] predicted = new int[WHOLE.count()];
        new NetworkKernel(SHAPE).predict(PARAMS, WHOLE.pixels(), 0, WHOLE.count(), predicted, 0, null);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < WHOLE.count() && out.size() < limit; i++) {
            if (predicted[i] != WHOLE.label(i)) {
                out.add(new int[] {i, WHOLE.label(i), predicted[i]});
            }
        }
        return out;
    }

    private static void assertSame(List<int[]> expected, MisclassifiedSamples actual) {
        List<MisclassifiedSamples.Sample> got = actual.samples();
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            MisclassifiedSamples.Sample s = got.get(i);
            assertArrayEquals(expected.get(i), new int[] {s.index(), s.label(), s.predicted()}, "sample " + i);
            assertArrayEquals(Arrays.copyOfRange(WHOLE.pixels(), s.index() * 40, (s.index() + 1) * 40), s.pixels());
        }
    }

    @Test
    void theLowestIndicesWhateverTheBlocksAndMergeOrder() {
        List<int[]> expected = expected(30);
        assertEquals(30, expected.size(), "untrained weights misclassify more than 30 of 500");
        assertTrue(expected.get(29)[0] > 29, "some samples are right, so the indices are not simply 0..29");
        for (int parts : new int[] {1, 3, 16}) {
            List<SampleBlock> blocks = new ArrayList<>(SyntheticDigits.split(WHOLE, parts));
            Collections.reverse(blocks);
            MisclassifiedSamples total = new MisclassifiedSamples(30);
            for (SampleBlock b : blocks) {
                total.merge(new MisclassifiedSamples(30).add(b, SHAPE, PARAMS, null));
            }
            assertSame(expected, total);
        }
    }

    @Test
    void onSparkTheSameAsInProcess() {
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]")
                .setAppName("MisclassifiedSamplesTest").set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer"))) {
            MisclassifiedSamples got = SparkBackend.misclassified(sc, SHAPE,
                    sc.parallelize(SyntheticDigits.split(WHOLE, 6), 3), PARAMS, 25, "test");
            assertSame(expected(25), got);
        }
    }
}
