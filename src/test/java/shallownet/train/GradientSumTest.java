package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import shallownet.data.SampleBlock;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.SyntheticDigits;

/** The cross-partition merge gives the same bits in any order, and stays close to the float sum. */
class GradientSumTest {

    private static final NetworkShape SHAPE = new NetworkShape(64, 16, 10);
    private static final int PARTS = 6;

    private final SampleBlock whole = SyntheticDigits.block(0, 600, 64, 10, 3);
    private final List<SampleBlock> parts = SyntheticDigits.split(whole, PARTS);
    private final float[] params = WeightInit.initShallow(SHAPE, 5);
    private final int[] batch = MinibatchOrder.permutation(5, 1, 600);

    private GradientSum partial(int k) {
        return new GradientSum().add(parts.get(k), SHAPE, params, batch);
    }

    /** Merges the partitions' partial sums in the order given, as the driver would as tasks finish. */
    private GradientSum mergeInOrder(int[] order) {
        GradientSum acc = new GradientSum();
        for (int k : order) {
            acc = acc.merge(partial(k));
        }
        return acc;
    }

    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int depth, List<int[]> out) {
        if (depth == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (!used[i]) {
                used[i] = true;
                cur[depth] = i;
                permute(cur, used, depth + 1, out);
                used[i] = false;
            }
        }
    }

    @Test
    void everyMergeOrderGivesTheSameBits() {
        GradientSum reference = mergeInOrder(new int[] {0, 1, 2, 3, 4, 5});
        float[] expected = reference.gradient();
        for (int[] order : permutations(PARTS)) {
            GradientSum s = mergeInOrder(order);
            assertArrayEquals(expected, s.gradient(), java.util.Arrays.toString(order));
            assertEquals(reference.lossSum(), s.lossSum(), 0.0);
            assertEquals(600, s.samples());
            assertEquals(reference.errors(), s.errors());
        }
        // Merging as a tree (depth-2 treeAggregate) gives the same bits as merging in a line.
        GradientSum tree = partial(0).merge(partial(1)).merge(partial(2))
                .merge(partial(3).merge(partial(4).merge(partial(5))));
        assertArrayEquals(expected, tree.gradient());
    }

    /** What the fixed-point merge is for: plain float sums of the same partials do depend on the order. */
    @Test
    void floatSumsOfTheSamePartialsDependOnTheOrder() {
        int differing = 0;
        float[] first = floatSum(new int[] {0, 1, 2, 3, 4, 5});
        for (int[] order : permutations(PARTS)) {
            float[] other = floatSum(order);
            for (int i = 0; i < first.length; i++) {
                if (first[i] != other[i]) {
                    differing++;
                    break;
                }
            }
        }
        assertTrue(differing > 0, "some order should change a float sum's last bits");
    }

    private float[] floatSum(int[] order) {
        float[] sum = new float[SHAPE.parameterCount()];
        for (int k : order) {
            float[] g = partial(k).gradient();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += g[i];
            }
        }
        return sum;
    }

    @Test
    void mergedSumEqualsTheSinglePartitionSumWithinFloatRounding() {
        float[] merged = mergeInOrder(new int[] {5, 3, 1, 0, 2, 4}).gradient();
        GradientSum single = new GradientSum().add(whole, SHAPE, params, batch);
        float[] one = single.gradient();
        double maxNorm = 0;
        double maxDiff = 0;
        for (int i = 0; i < one.length; i++) {
            maxNorm = Math.max(maxNorm, Math.abs(one[i]));
            maxDiff = Math.max(maxDiff, Math.abs(one[i] - merged[i]));
        }
        assertTrue(maxDiff <= 1e-5 * maxNorm, "max difference " + maxDiff + " of max " + maxNorm);
        assertEquals(single.lossSum(), mergeInOrder(new int[] {0, 1, 2, 3, 4, 5}).lossSum(), 1e-9 * single.lossSum());
    }

    @Test
    void aPartitionWithoutSamplesOfTheStepSendsNothing() {
        int[] onlyFirstPart = {3, 7, 42};
        GradientSum none = new GradientSum().add(parts.get(5), SHAPE, params, onlyFirstPart);
        assertTrue(none.isEmpty(), "a partition without samples of the step made a gradient");
        assertEquals(0, none.samples());
        // What the task sends back: a few hundred bytes, not the 4 x 2,570 floats of a gradient.
        int shipped = serializedSize(none);
        int full = serializedSize(new GradientSum().add(parts.get(0), SHAPE, params, onlyFirstPart));
        assertTrue(shipped < 500, "empty partial is " + shipped + " bytes");
        assertTrue(full > 4 * SHAPE.parameterCount(), "a real partial is " + full + " bytes");
        GradientSum some = new GradientSum().add(parts.get(0), SHAPE, params, onlyFirstPart);
        float[] alone = new GradientSum().add(parts.get(0), SHAPE, params, onlyFirstPart).gradient();
        GradientSum merged = new GradientSum().merge(none).merge(some);
        assertEquals(3, merged.samples());
        assertArrayEquals(alone, merged.gradient());
    }

    private static int serializedSize(Object o) {
        try (java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
             java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
            out.flush();
            return bytes.size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A partition of several blocks (in no particular order, some samples of the batch elsewhere)
     * folded at once, with the batch split among its blocks in one pass, gives the bits of folding
     * its blocks one by one, each scanning the whole batch (the fold before issue 26).
     */
    @Test
    void aPartitionFoldedAtOnceGivesTheBitsOfItsBlocksOneByOne() {
        List<SampleBlock> blocks = new ArrayList<>(SyntheticDigits.split(whole, 7));
        java.util.Collections.shuffle(blocks, new java.util.Random(3));
        List<SampleBlock> partition = blocks.subList(0, 5);
        for (int step = 0; step < 10; step++) {
            int[] perm = MinibatchOrder.permutation(7, step + 1, 600);
            int[] batch = java.util.Arrays.copyOf(perm, 50 + 60 * step);
            GradientSum oneByOne = new GradientSum();
            for (SampleBlock b : partition) {
                oneByOne.add(b, SHAPE, params, batch);
            }
            GradientSum atOnce = GradientSum.ofBatch(batch).addAll(partition, SHAPE, params);
            assertArrayEquals(oneByOne.gradient(), atOnce.gradient(), "step " + step);
            assertEquals(oneByOne.lossSum(), atOnce.lossSum(), 0.0);
            assertEquals(oneByOne.samples(), atOnce.samples());
            assertEquals(oneByOne.errors(), atOnce.errors());
        }
        int[] elsewhere = {partition.get(0).firstIndex() == 0 ? 599 : 0};
        boolean held = partition.stream().anyMatch(b -> elsewhere[0] >= b.firstIndex() && elsewhere[0] < b.firstIndex() + b.count());
        assertEquals(!held, GradientSum.ofBatch(elsewhere).addAll(partition, SHAPE, params).isEmpty());
    }

    @Test
    void aPartialBeyondTheFixedPointRangeMakesTheSumNaN() {
        // Hidden units of 1e20 give W2 gradients of about 1e20: finite floats, far beyond 2^27.
        float[] huge = new float[SHAPE.parameterCount()];
        java.util.Arrays.fill(huge, SHAPE.b1Offset(), SHAPE.b1Offset() + SHAPE.hidden(), 1e20f);
        GradientSum exploding = new GradientSum().add(parts.get(0), SHAPE, huge, batch);
        assertTrue(Float.isFinite(exploding.gradient()[SHAPE.w2Offset()]));
        GradientSum merged = new GradientSum().add(parts.get(1), SHAPE, huge, batch).merge(exploding);
        assertTrue(Float.isNaN(merged.gradient()[0]));
        assertTrue(Double.isNaN(merged.lossSum()));
    }

    @Test
    void aNaNPartialMakesTheSumNaN() {
        float[] nan = params.clone();
        nan[0] = Float.NaN;
        GradientSum merged = partial(1).merge(new GradientSum().add(parts.get(0), SHAPE, nan, batch));
        assertTrue(Float.isNaN(merged.gradient()[SHAPE.b2Offset()]));
        assertTrue(Double.isNaN(merged.lossSum()));
    }
}
