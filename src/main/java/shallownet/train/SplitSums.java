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
public final class SplitSums implements BlockFold<LabeledBlock, SplitSums> {

    private static final long serialVersionUID = 1L;

    private final EvalSums train;
    private final EvalSums validation;

    /** Sorted indices of the held-out samples (null: none) for {@link #add}; not sent back. */
    private transient int[] heldOut;

    public SplitSums(EvalSums train, EvalSums validation) {
        this.train = train;
        this.validation = validation;
    }

    /** Empty sums that split the samples by {@code validation} (sorted indices; null: no split). */
    public static SplitSums empty(int classes, int[] validation) {
        SplitSums sums = new SplitSums(new EvalSums(classes), validation != null ? new EvalSums(classes) : null);
        sums.heldOut = validation;
        return sums;
    }

    /** Empty sums over all samples. */
    public static SplitSums all(int classes) {
        return empty(classes, null);
    }

    @Override
    public SplitSums add(LabeledBlock block, NetworkShape shape, float[] params) {
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
