package shallownet.train;

import shallownet.data.LabeledBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * Metrics of the training samples and of the held-out validation samples, from one pass; without
 * a validation split, the metrics of all samples (the fold of every evaluation).
 * A plain class, not a record: it travels as a task result, and Spark's Kryo cannot build records.
 */
public final class SplitSums implements BlockFold<LabeledBlock, int[], SplitSums> {

    private static final long serialVersionUID = 1L;

    private final EvalSums train;
    private final EvalSums validation;

    public SplitSums(EvalSums train, EvalSums validation) {
        this.train = train;
        this.validation = validation;
    }

    /** Empty sums that split the samples by a validation split when {@code split} (its indices: {@link #add}'s). */
    public static SplitSums empty(int classes, boolean split) {
        return new SplitSums(new EvalSums(classes), split ? new EvalSums(classes) : null);
    }

    /** Empty sums over all samples. */
    public static SplitSums all(int classes) {
        return empty(classes, false);
    }

    /** Adds {@code block}'s metrics: those of the samples in {@code heldOut} (sorted indices) to the validation sums. */
    @Override
    public SplitSums add(LabeledBlock block, NetworkShape shape, float[] params, int[] heldOut) {
        NetworkKernel kernel = NetworkKernel.forThread(shape);
        if (validation == null) {
            block.evaluate(kernel, params, train);
        } else {
            block.evaluateSplit(kernel, params, heldOut, train, validation);
        }
        return this;
    }

    public EvalSums train() {
        return train;
    }

    /** Null when there is no validation split. */
    public EvalSums validation() {
        return validation;
    }

    @Override
    public SplitSums merge(SplitSums other) {
        train.merge(other.train);
        if (validation != null) {
            validation.merge(other.validation);
        }
        return this;
    }
}
