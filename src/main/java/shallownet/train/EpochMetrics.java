package shallownet.train;

/**
 * The figures after one epoch (or full-batch iteration); epoch 0 is the initial network.
 * {@code elapsedSeconds} counts from the start of training, evaluation included;
 * {@code trainSeconds} only the time in training steps so far, evaluation excluded (NaN when not
 * known, e.g. in a history read back from an older file). In a resumed run both continue the
 * clocks of the checkpoint it resumed from: they count every attempt's time, not the time
 * between. The validation figures are NaN when there is no validation split.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainErrorPct, double testLoss,
                           double testErrorPct, double elapsedSeconds, double epochSeconds,
                           double validationLoss, double validationErrorPct, double trainSeconds) {

    public EpochMetrics(int epoch, double trainLoss, double trainErrorPct, double testLoss, double testErrorPct,
                        double elapsedSeconds, double epochSeconds, double validationLoss, double validationErrorPct) {
        this(epoch, trainLoss, trainErrorPct, testLoss, testErrorPct, elapsedSeconds, epochSeconds, validationLoss,
                validationErrorPct, Double.NaN);
    }

    public EpochMetrics(int epoch, double trainLoss, double trainErrorPct, double testLoss, double testErrorPct,
                        double elapsedSeconds, double epochSeconds) {
        this(epoch, trainLoss, trainErrorPct, testLoss, testErrorPct, elapsedSeconds, epochSeconds, Double.NaN, Double.NaN);
    }

    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }
}
