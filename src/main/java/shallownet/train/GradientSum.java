package shallownet.train;

import java.util.List;
import shallownet.data.BatchSelection;
import shallownet.data.LabeledBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * The distributed fold of one training step, after MLlib's {@code DifferentiableLossAggregator}:
 * {@link #add} folds in the gradient of a block's share of the minibatch, {@link #merge} sums two
 * partial results. The sum stays unallocated until a block contributes, so a partition that holds
 * none of the minibatch sends back a few bytes rather than a zero gradient of 200 KB.
 *
 * <p>Within a partition the gradient is summed in float, block after block in partition order:
 * deterministic. Partials are summed exactly, in fixed point at the step's binary points
 * ({@link ExactSum}): the same bits whatever the merge order, retries or executor losses, and
 * a single partial is rounded to the same points, so one partition and many give the same
 * outcome. A partial that cannot be represented (not finite, or beyond the step's bound) is
 * kept as a fact ({@link #rangeFailure}) and reported by {@link #gradient(float[])}, never turned
 * into NaN weights.
 */
public final class GradientSum implements BlockFold<LabeledBlock, int[], GradientSum> {

    private static final long serialVersionUID = 3L;

    /**
     * The binary points when none is given (tests, and folds built without a step's bound):
     * 2^-36 for both, a range of 2^25 per value.
     */
    static final ExactSum DEFAULT_POINTS = new ExactSum(-36, -36);

    /** The step's binary points; travels with every partial, so any two partials merge at the same ones. */
    private final ExactSum points;
    /** The partition's float partial sum, until merged with another partition's. */
    private float[] gradient;
    /** The exact sum of several partitions' partial sums, in units of 2^points.gradientScale(). */
    private long[] fixed;
    /** Sum of {@code -log y[label]} over the step's samples (fixed point once merged). */
    private double lossSum;
    private long lossFixed;
    private long samples;
    private long errors;
    /** The first value that could not be represented, as "what: value" (null: none). */
    private String rangeFailure;
    /** Whether the loss sum itself could not be represented (then {@link #lossSum} is NaN). */
    private boolean lossUnrepresentable;
    /** Time in the kernel: summed within a partition, the slowest partition's across them. */
    private long kernelNanos;

    /** An empty sum over all samples of the blocks it is given. */
    public GradientSum() {
        this(DEFAULT_POINTS);
    }

    /** An empty sum at the given binary points. */
    public GradientSum(ExactSum points) {
        this.points = points;
    }

    /**
     * Adds the gradient of the samples of {@code batch} (indices in the whole data set, in
     * minibatch order; null: all of them) that {@code block} holds.
     */
    @Override
    public GradientSum add(LabeledBlock block, NetworkShape shape, float[] params, int[] batch) {
        checkNotMerged();
        long t0 = System.nanoTime();
        NetworkKernel kernel = NetworkKernel.forThread(shape);
        int[] local = batch == null ? null : block.selectBatch(batch);
        addSelected(block, shape, params, kernel, local, local == null ? block.count() : local.length, t0);
        return this;
    }

    /**
     * A partition's blocks, in their order, as {@link #add} on each would fold them, to the bit
     * (the same kernel calls on the same samples in the same order), but with the step's
     * minibatch split among the blocks in one pass ({@link BatchSelection}) instead of every
     * block scanning all of it: O(B log blocks) per partition rather than O(blocks x B).
     */
    @Override
    public GradientSum addAll(List<? extends LabeledBlock> partition, NetworkShape shape, float[] params, int[] batch) {
        checkNotMerged();
        long t0 = System.nanoTime();
        BatchSelection selection = batch == null || partition.size() < 2 ? null : BatchSelection.of(partition, batch);
        if (selection == null) {
            for (LabeledBlock block : partition) {
                add(block, shape, params, batch);
            }
            return this;
        }
        NetworkKernel kernel = NetworkKernel.forThread(shape);
        // The same params for every block: small chunks' forward products share one transposed W1.
        kernel.holdWeights(params);
        try {
            for (int b = 0; b < partition.size(); b++) {
                int[] local = selection.positions(b);
                addSelected(partition.get(b), shape, params, kernel, local, local.length, t0);
                t0 = System.nanoTime();
            }
        } finally {
            kernel.releaseWeights();
        }
        return this;
    }

    private void checkNotMerged() {
        if (fixed != null) {
            throw new IllegalStateException("a merged sum takes no more blocks: fold into a new one and merge it");
        }
    }

    /** Adds the gradient of the block's samples {@code local[0..n)} (all when null); the time since {@code t0} to the kernel's. */
    private void addSelected(LabeledBlock block, NetworkShape shape, float[] params, NetworkKernel kernel, int[] local,
                             int n, long t0) {
        if (n == 0) {
            kernelNanos += System.nanoTime() - t0;
            return;
        }
        if (gradient == null) {
            gradient = new float[shape.parameterCount()];
        }
        EvalSums sums = new EvalSums(shape.outputs());
        block.kernelGradient(kernel, params, local, n, gradient, sums);
        lossSum += sums.crossEntropySum();
        samples += sums.count();
        errors += sums.errors();
        kernelNanos += System.nanoTime() - t0;
    }

    @Override
    public GradientSum merge(GradientSum other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        if (!points.equals(other.points)) {
            throw new IllegalStateException("partials of different steps: binary points " + points + " and "
                    + other.points);
        }
        toFixed();
        if (rangeFailure == null && other.fixed == null) {
            addFloatPartial(other);
        } else {
            mergeFixed(other);
        }
        samples += other.samples;
        errors += other.errors;
        // Partitions run in parallel: the step waits for the slowest one.
        kernelNanos = Math.max(kernelNanos, other.kernelNanos);
        return this;
    }

    /**
     * {@code other}'s float partial rounded to the binary points and added in one pass, without
     * converting it to its own fixed-point array first: the same sums and the same failure, if
     * any, as {@code other.toFixed()} then {@link #mergeFixed}. A step folds each partition alone
     * and merges it so; measured in local[2] with 16 partitions (B=100), the separate rounding,
     * 400 KB array and merge pass cost about 0.3 ms per partition.
     */
    private void addFloatPartial(GradientSum other) {
        float[] g = other.gradient;
        int scale = points.gradientScale();
        long or = ExactSum.addRounded(g, fixed, scale);
        String failure = null;
        if (or < 0) {
            int i = ExactSum.firstUnrepresentable(g, scale);
            failure = "gradient entry " + i + ": " + g[i];
        }
        long l = ExactSum.toFixed(other.lossSum, points.lossScale());
        if (l == Long.MIN_VALUE) {
            lossUnrepresentable = true;
            if (failure == null) {
                failure = "loss sum: " + other.lossSum;
            }
        }
        lossUnrepresentable |= other.lossUnrepresentable;
        if (failure != null) {
            rangeFailure = failure;
            return;
        }
        lossFixed = Math.addExact(lossFixed, l);
        int over = (double) or >= ExactSum.LIMIT ? ExactSum.firstOverLimit(fixed) : -1;
        if (over >= 0) {
            rangeFailure = "gradient entry " + over + ": " + ExactSum.fromFixed(fixed[over], scale);
        } else if (Math.abs((double) lossFixed) >= ExactSum.LIMIT) {
            rangeFailure = "loss sum: " + ExactSum.fromFixed(lossFixed, points.lossScale());
            lossUnrepresentable = true;
        }
    }

    /** Merges two fixed-point partials (or records the failure of either). */
    private void mergeFixed(GradientSum other) {
        other.toFixed();
        if (rangeFailure == null) {
            rangeFailure = other.rangeFailure;
        }
        lossUnrepresentable |= other.lossUnrepresentable;
        if (rangeFailure == null) {
            long[] o = other.fixed;
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = Math.addExact(fixed[i], o[i]); // cannot overflow: each is below 2^61 (ExactSum.LIMIT)
            }
            lossFixed = Math.addExact(lossFixed, other.lossFixed);
            recheck();
        }
    }

    /** A merged value past the limit is past the step's bound, which no true sum can exceed. */
    private void recheck() {
        for (int i = 0; i < fixed.length; i++) {
            if (Math.abs((double) fixed[i]) >= ExactSum.LIMIT) {
                rangeFailure = "gradient entry " + i + ": " + ExactSum.fromFixed(fixed[i], points.gradientScale());
                return;
            }
        }
        if (Math.abs((double) lossFixed) >= ExactSum.LIMIT) {
            rangeFailure = "loss sum: " + ExactSum.fromFixed(lossFixed, points.lossScale());
            lossUnrepresentable = true;
        }
    }

    /** Rounds the float partial to the step's binary points, once; records the first value that does not fit. */
    private void toFixed() {
        if (fixed != null || gradient == null) {
            return;
        }
        long[] f = new long[gradient.length];
        int scale = points.gradientScale();
        if (ExactSum.addRounded(gradient, f, scale) < 0) {
            // The entries are of no use now: the sum fails with the first that did not fit.
            int i = ExactSum.firstUnrepresentable(gradient, scale);
            if (rangeFailure == null) {
                rangeFailure = "gradient entry " + i + ": " + gradient[i];
            }
        }
        long l = ExactSum.toFixed(lossSum, points.lossScale());
        if (l == Long.MIN_VALUE) {
            lossUnrepresentable = true;
            if (rangeFailure == null) {
                rangeFailure = "loss sum: " + lossSum;
            }
        }
        lossFixed = l == Long.MIN_VALUE ? 0 : l;
        fixed = f;
        gradient = null;
    }

    /** True if no sample contributed. */
    public boolean isEmpty() {
        return gradient == null && fixed == null;
    }

    /**
     * The first value of the step that could not be represented at its binary points ("gradient
     * entry 17: NaN", "loss sum: 1.2E30"), or null. Converts the partial if it is still float.
     */
    public String rangeFailure() {
        toFixed();
        return rangeFailure;
    }

    /** The summed gradient, or null if no sample contributed; see {@link #gradient(float[])}. */
    public float[] gradient() {
        return gradient(null);
    }

    /**
     * The exact sum as float, written into {@code buffer} (of the gradient's length; null
     * allocates one) so that the training loop does not allocate 200 KB per step. A sum with a
     * {@link #rangeFailure} has no gradient: {@link GradientRangeException}.
     */
    public float[] gradient(float[] buffer) {
        if (isEmpty()) {
            return null;
        }
        toFixed();
        if (rangeFailure != null) {
            throw new GradientRangeException(rangeFailure);
        }
        float[] g = buffer != null ? buffer : new float[fixed.length];
        ExactSum.toFloats(fixed, points.gradientScale(), g);
        return g;
    }

    /** Sum over the step's samples of {@code -log y[label]} at the step's weights (NaN if it could not be represented). */
    public double lossSum() {
        if (isEmpty()) {
            return 0;
        }
        toFixed();
        return lossUnrepresentable ? Double.NaN : ExactSum.fromFixed(lossFixed, points.lossScale());
    }

    /** Samples that contributed. */
    public long samples() {
        return samples;
    }

    /** Samples the step's weights misclassified. */
    public long errors() {
        return errors;
    }

    public long kernelNanos() {
        return kernelNanos;
    }
}
