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
 * deterministic. Across partitions {@code treeAggregate} merges in whatever order tasks finish, and
 * float addition is not associative, so two runs could differ in the last bits. Partial sums are
 * therefore merged as fixed-point longs (multiples of 2^-{@value #FRACTION_BITS}): integer
 * addition is exact, so the sum is the same whatever the order, retries or executor losses. The
 * minibatch loss is merged the same way, so it too is reproducible.
 */
public final class GradientSum implements BlockFold<LabeledBlock, GradientSum> {

    private static final long serialVersionUID = 2L;

    /**
     * Resolution 2^-36 = 1.5e-11: far below a float's rounding for any gradient entry above 2.4e-4
     * (the only entries whose last bits it changes are ones too small to move a weight: the step
     * scales them by gamma / B = 5e-4). Range +-2^27 = 1.3e8 per entry: a full-batch gradient sum
     * over MNIST's 60,000 samples stays below 1e5. Beyond the range the sum is not finite (a
     * diverging run), reported as NaN.
     */
    static final int FRACTION_BITS = 36;
    private static final double TO_FIXED = 0x1p36;
    private static final double FROM_FIXED = 0x1p-36;
    private static final double LIMIT = 0x1p62;

    /** The partition's float partial sum, until merged with another partition's. */
    private float[] gradient;
    /** The exact sum of several partitions' partial sums, in units of 2^-36. */
    private long[] fixed;
    /** Sum of {@code -log y[label]} over the step's samples (fixed point once merged). */
    private double lossSum;
    private long lossFixed;
    private long samples;
    private long errors;
    /** Set when a partial sum was NaN, infinite or beyond the fixed-point range. */
    private boolean notFinite;
    /** Time in the kernel: summed within a partition, the slowest partition's across them. */
    private long kernelNanos;

    /** The step's minibatch (null: all samples) for {@link #add(LabeledBlock, NetworkShape, float[])}; not sent back. */
    private transient int[] batch;

    /** An empty sum over all samples of the blocks it is given. */
    public GradientSum() {
    }

    /** An empty fold of the gradient over the samples of {@code batch} (null: all) that its blocks hold. */
    public static GradientSum ofBatch(int[] batch) {
        GradientSum sum = new GradientSum();
        sum.batch = batch;
        return sum;
    }

    @Override
    public GradientSum add(LabeledBlock block, NetworkShape shape, float[] params) {
        return add(block, shape, params, batch);
    }

    public GradientSum add(LabeledBlock block, NetworkShape shape, float[] params, int[] batch) {
        checkNotMerged();
        long t0 = System.nanoTime();
        NetworkKernel kernel = NetworkKernel.forThread(shape);
        int n = batch == null ? block.count() : block.selectBatch(kernel, batch);
        addSelected(block, shape, params, kernel, batch == null ? null : kernel.selectionBuffer(n), n, t0);
        return this;
    }

    /**
     * A partition's blocks, in their order, as {@link #add} on each would fold them, to the bit
     * (the same kernel calls on the same samples in the same order), but with the step's
     * minibatch split among the blocks in one pass ({@link BatchSelection}) instead of every
     * block scanning all of it: O(B log blocks) per partition rather than O(blocks x B).
     */
    @Override
    public GradientSum addAll(List<? extends LabeledBlock> partition, NetworkShape shape, float[] params) {
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
        for (int b = 0; b < partition.size(); b++) {
            int n = selection.count(b);
            int[] local = kernel.selectionBuffer(n);
            selection.copyTo(b, local);
            addSelected(partition.get(b), shape, params, kernel, local, n, t0);
            t0 = System.nanoTime();
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
        if (other.gradient == null && other.fixed == null) {
            return this;
        }
        if (gradient == null && fixed == null) {
            return other;
        }
        toFixed();
        notFinite |= other.notFinite;
        if (other.fixed != null) {
            for (int i = 0; i < fixed.length && !notFinite; i++) {
                addFixed(i, other.fixed[i]);
            }
            lossFixed += other.lossFixed;
        } else {
            // A partition's float partial, converted as it is added: the same longs as toFixed()
            // would make, without a second long[] per merge (one merge per task and step).
            float[] g = other.gradient;
            for (int i = 0; i < fixed.length && !notFinite; i++) {
                double v = g[i] * TO_FIXED;
                if (!(Math.abs(v) < LIMIT)) {
                    notFinite = true;
                } else {
                    addFixed(i, Math.round(v));
                }
            }
            double l = other.lossSum * TO_FIXED;
            if (!(Math.abs(l) < LIMIT)) {
                notFinite = true;
            } else {
                lossFixed += Math.round(l);
            }
        }
        samples += other.samples;
        errors += other.errors;
        // Partitions run in parallel: the step waits for the slowest one.
        kernelNanos = Math.max(kernelNanos, other.kernelNanos);
        return this;
    }

    private void addFixed(int i, long x) {
        long s = fixed[i] + x;
        // Overflow iff both operands have the same sign and the sum's differs.
        if (((fixed[i] ^ s) & (x ^ s)) < 0) {
            notFinite = true;
        }
        fixed[i] = s;
    }

    private void toFixed() {
        if (fixed != null) {
            return;
        }
        fixed = new long[gradient.length];
        for (int i = 0; i < gradient.length; i++) {
            double v = gradient[i] * TO_FIXED;
            if (!(Math.abs(v) < LIMIT)) {
                notFinite = true;
                break;
            }
            fixed[i] = Math.round(v);
        }
        double l = lossSum * TO_FIXED;
        if (!(Math.abs(l) < LIMIT)) {
            notFinite = true;
        } else {
            lossFixed = Math.round(l);
        }
        gradient = null;
    }

    /** True if no sample contributed. */
    public boolean isEmpty() {
        return gradient == null && fixed == null;
    }

    /**
     * The summed gradient (all NaN if it was not finite), or null if no sample contributed.
     * Converts a merged fixed-point sum back to float: call once per step.
     */
    public float[] gradient() {
        return gradient(null);
    }

    /**
     * {@link #gradient()}, written into {@code buffer} (of the gradient's length) when a merged sum
     * must be converted, so that the training loop does not allocate 200 KB per step; a single
     * partition's partial is returned as it is. A null buffer allocates one.
     */
    public float[] gradient(float[] buffer) {
        if (fixed == null) {
            return gradient;
        }
        float[] g = buffer != null ? buffer : new float[fixed.length];
        for (int i = 0; i < fixed.length; i++) {
            g[i] = notFinite ? Float.NaN : (float) (fixed[i] * FROM_FIXED);
        }
        return g;
    }

    /** Sum over the step's samples of {@code -log y[label]} at the step's weights (NaN if not finite). */
    public double lossSum() {
        if (notFinite) {
            return Double.NaN;
        }
        return fixed == null ? lossSum : lossFixed * FROM_FIXED;
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
