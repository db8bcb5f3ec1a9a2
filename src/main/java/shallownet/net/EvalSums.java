package shallownet.net;

import java.io.Serializable;

/**
 * Running sums for the notebook's two figures over any set of samples: the loss (mean of
 * {@code -d log y} over all {@code classes x n} entries) and the % misclassified, plus the
 * confusion matrix. A fold with {@code merge}, so it can be summed in any order across partitions.
 */
public final class EvalSums implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int classes;
    /** Sum over samples of {@code -log y[label]}: the only non-zero terms of {@code -d log y}. */
    private double crossEntropySum;
    private long count;
    private long errors;
    /** {@code confusion[true * classes + predicted]}. */
    private final long[] confusion;

    public EvalSums(int classes) {
        this.classes = classes;
        this.confusion = new long[classes * classes];
    }

    public void add(int label, int predicted, double negLogLikelihood) {
        crossEntropySum += negLogLikelihood;
        count++;
        if (predicted != label) {
            errors++;
        }
        confusion[label * classes + predicted]++;
    }

    public EvalSums merge(EvalSums other) {
        crossEntropySum += other.crossEntropySum;
        count += other.count;
        errors += other.errors;
        for (int i = 0; i < confusion.length; i++) {
            confusion[i] += other.confusion[i];
        }
        return this;
    }

    /** The notebook's {@code eval_loss}: mean over all {@code classes x n} entries of {@code -d log y}. */
    public double loss() {
        return crossEntropySum / ((double) classes * count);
    }

    /** The notebook's {@code eval_perfs}: percentage of misclassified samples. */
    public double errorPercent() {
        return 100.0 * errors / count;
    }

    /** Sum over samples of {@code -log y[label]} (the loss before averaging). */
    public double crossEntropySum() {
        return crossEntropySum;
    }

    public long count() {
        return count;
    }

    public long errors() {
        return errors;
    }

    public int classes() {
        return classes;
    }

    public long confusion(int trueLabel, int predicted) {
        return confusion[trueLabel * classes + predicted];
    }
}
