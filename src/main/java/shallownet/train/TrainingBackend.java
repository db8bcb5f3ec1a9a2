package shallownet.train;

import shallownet.net.EvalSums;

/**
 * Where the gradients and metrics of a training run are computed: in this process
 * ({@link LocalBackend}, the reference) or on Spark ({@link SparkBackend}). The training loop
 * ({@link Trainer}) is the same for both, so both follow the same minibatch order and update.
 */
public interface TrainingBackend {

    int trainCount();

    /**
     * The largest magnitude of a training input as the kernel sees it: 1 for MNIST's pixels
     * scaled to [-1, 1]; for real-valued features, their largest absolute value. Bounds a step's
     * gradient ({@link ExactSum#forStep}).
     */
    default double maxAbsInput() {
        return 1.0;
    }

    /**
     * Gradient sum over the training samples whose indices are in {@code batch} (null: all),
     * at parameters {@code params}, with their loss and errors at those parameters; never empty.
     * {@code description} names the work (e.g. for the Spark UI). Summed exactly at the step's
     * binary points ({@link ExactSum#forStep}); a step whose bound is not finite fails with
     * {@link GradientRangeException}.
     */
    GradientSum gradientSum(float[] params, int[] batch, String description);

    /**
     * Metrics on the training set at {@code params}: of the samples not in {@code validation}
     * (sorted indices; null: all samples) and, separately, of those in it.
     */
    SplitSums evaluateTrain(float[] params, int[] validation, String description);

    EvalSums evaluateTest(float[] params, String description);
}
