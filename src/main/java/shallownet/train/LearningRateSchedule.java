package shallownet.train;

import shallownet.InvalidSettingException;
import java.util.Locale;

/** How the learning rate changes from epoch to epoch (constant within an epoch). */
public enum LearningRateSchedule {
    /** The notebook's: the same rate throughout. */
    CONSTANT,
    /** Multiplied by {@code decay} every {@code stepEpochs} epochs. */
    STEP,
    /** Multiplied by {@code decay} every epoch. */
    EXPONENTIAL,
    /** Half a cosine from the base rate towards 0 over the run's epochs. */
    COSINE;

    /** Factor of the base rate in {@code epoch} (1-based) of {@code epochs}. */
    public double factor(int epoch, int epochs, double decay, int stepEpochs) {
        return switch (this) {
            case CONSTANT -> 1;
            case STEP -> Math.pow(decay, (epoch - 1) / Math.max(1, stepEpochs));
            case EXPONENTIAL -> Math.pow(decay, epoch - 1);
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / Math.max(1, epochs)));
        };
    }

    public static LearningRateSchedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("{} must be constant, step, exponential or cosine, got " + s, "schedule");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
