package shallownet.train;

/**
 * What the training loop reports as it goes: after every step (for progress lines, divergence
 * checks, checkpoints) and after every evaluated epoch. Runs on the driver, between steps: keep
 * it cheap, or the steps wait for it. An exception thrown here stops the training.
 */
public interface TrainingListener {

    default void onStep(StepProgress step) {
    }

    default void onEpoch(EpochMetrics metrics) {
    }

    /**
     * One finished step. {@code lossSum} and {@code errors} are the minibatch's at the weights the
     * step started from (the gradient's own forward pass: no extra work).
     *
     * @param epoch          epoch (iteration with full batch), from 1
     * @param epochs         epochs in the run
     * @param step           step within the epoch, from 1
     * @param stepsPerEpoch  steps in each epoch
     * @param samples        samples in the step's minibatch
     * @param lossSum        sum over them of {@code -log y[label]}
     * @param errors         of them misclassified
     * @param nanos          wall time of the step (gradient and update)
     * @param classes        outputs of the network, to turn {@code lossSum} into the notebook's loss
     */
    record StepProgress(int epoch, int epochs, int step, int stepsPerEpoch, long samples, double lossSum,
                        long errors, long nanos, int classes) {

        /** The notebook's loss of the minibatch: mean of {@code -d log y} over its classes x samples entries. */
        public double loss() {
            return lossSum / ((double) classes * samples);
        }

        public double errorPercent() {
            return 100.0 * errors / samples;
        }
    }
}
