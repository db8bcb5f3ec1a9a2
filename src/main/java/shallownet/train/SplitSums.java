package shallownet.train;

import java.io.Serializable;
import shallownet.net.EvalSums;

/**
 * Metrics of the training samples and of the held-out validation samples, from one pass.
 * A plain class, not a record: it travels as a task result, and Spark's Kryo cannot build records.
 */
public final class SplitSums implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EvalSums train;
    private final EvalSums validation;

    public SplitSums(EvalSums train, EvalSums validation) {
        this.train = train;
        this.validation = validation;
    }

    public static SplitSums empty(int classes, boolean withValidation) {
        return new SplitSums(new EvalSums(classes), withValidation ? new EvalSums(classes) : null);
    }

    public EvalSums train() {
        return train;
    }

    /** Null when there is no validation split. */
    public EvalSums validation() {
        return validation;
    }

    public SplitSums merge(SplitSums other) {
        train.merge(other.train);
        if (validation != null) {
            validation.merge(other.validation);
        }
        return this;
    }
}
