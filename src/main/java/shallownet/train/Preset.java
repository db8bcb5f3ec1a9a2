package shallownet.train;

import shallownet.InvalidSettingException;
import java.util.Locale;

/**
 * Named recipes (the command line's {@code --preset}). Options given on the command line override a
 * preset's values.
 *
 * <ul>
 *   <li>{@code seed}: the reference notebook's recipe (the default): plain SGD, B=100, lr 0.05,
 *       5 epochs.</li>
 *   <li>{@code fast}: the recipe for time to accuracy, chosen by measurement (README, "Presets"):
 *       fewer, larger steps (every step is one Spark job) with Nesterov momentum and a cosine
 *       schedule.</li>
 * </ul>
 */
public enum Preset {
    SEED(TrainingConfig.DEFAULT_BATCH, TrainingConfig.DEFAULT_LR, TrainingConfig.DEFAULT_EPOCHS,
            new TrainingConfig.Optimizer(0, false, LearningRateSchedule.CONSTANT, TrainingConfig.DEFAULT_LR_DECAY,
                    TrainingConfig.DEFAULT_LR_STEP_EPOCHS, 0)),
    FAST(250, 0.05, 10, new TrainingConfig.Optimizer(0.9, true, LearningRateSchedule.COSINE,
            TrainingConfig.DEFAULT_LR_DECAY, TrainingConfig.DEFAULT_LR_STEP_EPOCHS, 0));

    private final int batchSize;
    private final double learningRate;
    private final int epochs;
    private final TrainingConfig.Optimizer optimizer;

    Preset(int batchSize, double learningRate, int epochs, TrainingConfig.Optimizer optimizer) {
        this.batchSize = batchSize;
        this.learningRate = learningRate;
        this.epochs = epochs;
        this.optimizer = optimizer;
    }

    /** The preset's recipe for a network of {@code hidden} units and {@code classes} outputs. */
    public TrainingConfig recipe(int hidden, int classes, long seed) {
        return new TrainingConfig(hidden, batchSize, learningRate, epochs, seed, false, 1, classes, optimizer, 0, 0);
    }

    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    public int epochs() {
        return epochs;
    }

    /** The optimiser; its decay and step are the defaults, used only by the step and exponential schedules. */
    public TrainingConfig.Optimizer optimizer() {
        return optimizer;
    }

    public static Preset parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("{} must be seed or fast, got " + s, "preset");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
