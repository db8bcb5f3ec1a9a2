package shallownet.train;

import java.io.Serializable;
import shallownet.data.LabeledBlock;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * The distributed fold of one training step, after MLlib's {@code DifferentiableLossAggregator}:
 * {@link #add} folds in the gradient of a block's share of the minibatch, {@link #merge} sums two
 * partial results. The sum stays unallocated until a block contributes, so a partition that holds
 * none of the minibatch sends back a few bytes rather than a zero gradient.
 */
public final class GradientSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private float[] gradient;
    /** Time in the kernel: summed within a partition, the slowest partition's across them. */
    private long kernelNanos;

    public GradientSum add(LabeledBlock block, NetworkShape shape, float[] params, int[] batch) {
        long t0 = System.nanoTime();
        NetworkKernel kernel = NetworkKernel.forThread(shape);
        if (gradient == null) {
            gradient = new float[shape.parameterCount()];
        }
        block.addGradient(kernel, params, batch, gradient, null);
        kernelNanos += System.nanoTime() - t0;
        return this;
    }

    public GradientSum merge(GradientSum other) {
        if (other.gradient == null) {
            return this;
        }
        if (gradient == null) {
            return other;
        }
        // Partitions run in parallel: the step waits for the slowest one.
        kernelNanos = Math.max(kernelNanos, other.kernelNanos);
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] += other.gradient[i];
        }
        return this;
    }

    /** The summed gradient, or null if no sample contributed. */
    public float[] gradient() {
        return gradient;
    }

    public long kernelNanos() {
        return kernelNanos;
    }
}
