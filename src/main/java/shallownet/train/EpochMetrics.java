package shallownet.train;

/**
 * The figures after one epoch (or full-batch iteration); epoch 0 is the initial network.
 * {@code elapsedSeconds} counts from the start of training, evaluation included.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainErrorPct, double testLoss,
                           double testErrorPct, double elapsedSeconds, double epochSeconds) {
}
