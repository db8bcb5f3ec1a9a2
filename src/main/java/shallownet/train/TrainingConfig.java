package shallownet.train;

import java.io.Serializable;

/**
 * The recipe. Defaults are the notebook's: 64 hidden units, minibatches of 100, learning rate
 * 0.05 normalised by the minibatch size, 5 epochs. {@code fullBatch} is Q18's gradient descent,
 * where {@code epochs} counts iterations. {@code evalEvery} = 0 evaluates only after the last epoch.
 */
public record TrainingConfig(int hidden, int batchSize, double learningRate, int epochs, long seed,
                             boolean fullBatch, int evalEvery, int classes) implements Serializable {

    public static final int DEFAULT_HIDDEN = 64;
    public static final int DEFAULT_BATCH = 100;
    public static final double DEFAULT_LR = 0.05;
    public static final int DEFAULT_EPOCHS = 5;
    public static final long DEFAULT_SEED = 1;
    public static final int DEFAULT_CLASSES = 10;

    public TrainingConfig {
        if (hidden < 1) {
            throw new IllegalArgumentException("--hidden must be at least 1, got " + hidden);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs must be >= 0, got " + epochs);
        }
        if (evalEvery < 0) {
            throw new IllegalArgumentException("--eval-every must be >= 0, got " + evalEvery);
        }
        if (classes < 2 || classes > 256) {
            throw new IllegalArgumentException("--classes must be in 2..256, got " + classes);
        }
    }

    public static TrainingConfig seedRecipe() {
        return new TrainingConfig(DEFAULT_HIDDEN, DEFAULT_BATCH, DEFAULT_LR, DEFAULT_EPOCHS, DEFAULT_SEED,
                false, 1, DEFAULT_CLASSES);
    }

    public TrainingConfig withEpochs(int e) {
        return new TrainingConfig(hidden, batchSize, learningRate, e, seed, fullBatch, evalEvery, classes);
    }

    public TrainingConfig withFullBatch(boolean f) {
        return new TrainingConfig(hidden, batchSize, learningRate, epochs, seed, f, evalEvery, classes);
    }

    public TrainingConfig withEvalEvery(int e) {
        return new TrainingConfig(hidden, batchSize, learningRate, epochs, seed, fullBatch, e, classes);
    }

    /** Whether metrics are computed after {@code epoch} (1-based) of {@code epochs}. */
    public boolean evaluatesAfter(int epoch) {
        return epoch == epochs || (evalEvery > 0 && epoch % evalEvery == 0);
    }
}
