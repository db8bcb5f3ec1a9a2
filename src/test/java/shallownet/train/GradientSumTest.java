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

    /**
     * The merge is the sum of the partials, not only order-independent: each gradient entry is the
     * double-precision sum of the six float partials to within the fixed points' resolution (each
     * partial rounded to 2^-36) and the final float's rounding.
     */
    @Test
    void theMergeIsTheSumOfThePartials() {
        float[] merged = mergeInOrder(new int[] {3, 1, 4, 0, 5, 2}).gradient();
        double[] exact = new double[SHAPE.parameterCount()];
        for (int k = 0; k < PARTS; k++) {
            float[] g = partial(k).gradient();
            for (int i = 0; i < exact.length; i++) {
                exact[i] += g[i];
            }
        }
        int nonZero = 0;
        for (int i = 0; i < exact.length; i++) {
            double bound = PARTS * Math.scalb(1.0, -37) + Math.ulp((float) exact[i]);
            assertEquals(exact[i], merged[i], bound, "entry " + i);
            nonZero += exact[i] != 0 ? 1 : 0;
        }
        assertTrue(nonZero > exact.length / 2, "the partials are not all zero: " + nonZero);
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
            GradientSum atOnce = new GradientSum().addAll(partition, SHAPE, params, batch);
            assertArrayEquals(oneByOne.gradient(), atOnce.gradient(), "step " + step);
            assertEquals(oneByOne.lossSum(), atOnce.lossSum(), 0.0);
            assertEquals(oneByOne.samples(), atOnce.samples());
            assertEquals(oneByOne.errors(), atOnce.errors());
        }
        int[] elsewhere = {partition.get(0).firstIndex() == 0 ? 599 : 0};
        boolean held = partition.stream().anyMatch(b -> elsewhere[0] >= b.firstIndex() && elsewhere[0] < b.firstIndex() + b.count());
        assertEquals(!held, new GradientSum().addAll(partition, SHAPE, params, elsewhere).isEmpty());
    }

    @Test
    void aPartialBeyondTheFixedRangeIsARangeFailureNeverNaNWeights() {
        // Hidden units of 1e20 give W2 gradients of about 1e20: finite floats, far beyond the default 2^25.
        float[] huge = hugeHidden();
        GradientSum merged = new GradientSum().add(parts.get(1), SHAPE, huge, batch)
                .merge(new GradientSum().add(parts.get(0), SHAPE, huge, batch));
        GradientRangeException e = org.junit.jupiter.api.Assertions.assertThrows(GradientRangeException.class,
                merged::gradient);
        assertTrue(e.detail().startsWith("gradient entry "), e.detail());
        // One partition alone is rounded at the same binary point: the same outcome, not a silent float.
        org.junit.jupiter.api.Assertions.assertThrows(GradientRangeException.class,
                () -> new GradientSum().add(whole, SHAPE, huge, batch).gradient());
    }

    private float[] hugeHidden() {
        float[] huge = params.clone();
        java.util.Arrays.fill(huge, SHAPE.b1Offset(), SHAPE.b1Offset() + SHAPE.hidden(), 1e20f);
        return huge;
    }

    @Test
    void theStepsBoundHoldsLargeMagnitudesExactlyWhateverThePartitioning() {
        float[] huge = hugeHidden();
        ExactSum points = ExactSum.forStep(SHAPE, huge, 1.0, batch.length);
        GradientSum reference = null;
        for (int[] order : new int[][] {{0, 1, 2, 3, 4, 5}, {5, 3, 1, 0, 2, 4}, {2, 5, 0, 4, 1, 3}}) {
            GradientSum acc = new GradientSum(points);
            for (int k : order) {
                acc = acc.merge(new GradientSum(points).add(parts.get(k), SHAPE, huge, batch));
            }
            if (reference == null) {
                reference = acc;
            } else {
                assertArrayEquals(reference.gradient(), acc.gradient(), "the same bits in any order");
                assertEquals(reference.lossSum(), acc.lossSum(), 0.0);
            }
        }
        float[] merged = reference.gradient();
        float[] single = new GradientSum(points).add(whole, SHAPE, huge, batch).gradient();
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < merged.length; i++) {
            assertTrue(Float.isFinite(merged[i]), "entry " + i);
            maxDiff = Math.max(maxDiff, Math.abs(merged[i] - single[i]));
            maxAbs = Math.max(maxAbs, Math.abs(single[i]));
        }
        assertTrue(maxAbs > 1e20, "large magnitudes: " + maxAbs);
        assertTrue(maxDiff <= 1e-6 * maxAbs, "6 partitions and 1 agree to float rounding: " + maxDiff + " of " + maxAbs);
    }

    @Test
    void theLossSumNeverWrapsAround() {
        // Output biases of +-1e7 make every sample's -log y about 1e7: 600 samples sum to about 6e9,
        // where the old fixed-point loss (range 2^26 = 6.7e7 per partial) wrapped around.
        float[] confident = params.clone();
        for (int k = 0; k < SHAPE.outputs(); k++) {
            confident[SHAPE.b2Offset() + k] = k % 2 == 0 ? 1e7f : -1e7f;
        }
        ExactSum points = ExactSum.forStep(SHAPE, confident, 1.0, batch.length);
        GradientSum acc = new GradientSum(points);
        double floatSum = 0;
        for (int k = 0; k < PARTS; k++) {
            GradientSum p = new GradientSum(points).add(parts.get(k), SHAPE, confident, batch);
            floatSum += new GradientSum(points).add(parts.get(k), SHAPE, confident, batch).lossSum();
            acc = acc.merge(p);
        }
        assertTrue(acc.lossSum() > 1e9, "positive and large: " + acc.lossSum());
        assertEquals(floatSum, acc.lossSum(), 1e-9 * floatSum);
        GradientRangeException e = org.junit.jupiter.api.Assertions.assertThrows(GradientRangeException.class, () -> {
            GradientSum old = new GradientSum();
            for (int k = 0; k < PARTS; k++) {
                old = old.merge(new GradientSum().add(parts.get(k), SHAPE, confident, batch));
            }
            old.gradient();
        });
        assertTrue(e.detail().startsWith("loss sum: "), "at the old fixed point the loss is refused, not wrapped: "
                + e.detail());
    }

    @Test
    void anEntryAtTheRangesEdge() {
        int scale = -36;
        double edge = Math.scalb(ExactSum.LIMIT, scale);
        assertEquals(Long.MIN_VALUE, ExactSum.toFixed(edge, scale), "the limit itself is out of range");
        long below = ExactSum.toFixed(Math.nextDown(edge), scale);
        assertTrue(below > 0 && below < (long) ExactSum.LIMIT, "just below is representable: " + below);
        assertEquals(Math.nextDown(edge), ExactSum.fromFixed(below, scale), 0.0, "and exact");
        assertEquals(Long.MIN_VALUE, ExactSum.toFixed(Double.NaN, scale));
        assertEquals(Long.MIN_VALUE, ExactSum.toFixed(Double.NEGATIVE_INFINITY, scale));
    }

    @Test
    void everyGradientEntryLiesWithinTheStepsBound() {
        java.util.Random r = new java.util.Random(11);
        for (int trial = 0; trial < 20; trial++) {
            float[] p = new float[SHAPE.parameterCount()];
            float spread = (float) Math.pow(10, r.nextInt(6) - 2);
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (r.nextGaussian() * spread);
            }
            ExactSum points = ExactSum.forStep(SHAPE, p, 1.0, batch.length);
            GradientSum g = new GradientSum(points).add(whole, SHAPE, p, batch);
            assertEquals(null, g.rangeFailure(), "trial " + trial + ", weights ~" + spread);
            assertTrue(Double.isFinite(g.lossSum()));
        }
    }

    @Test
    void aNaNPartialIsAFailureNotNaNWeights() {
        float[] nan = params.clone();
        nan[0] = Float.NaN;
        GradientSum merged = partial(1).merge(new GradientSum().add(parts.get(0), SHAPE, nan, batch));
        assertTrue(Double.isNaN(merged.lossSum()), "the loss says so (the divergence guard sees it first)");
        org.junit.jupiter.api.Assertions.assertThrows(GradientRangeException.class, merged::gradient);
    }
}
