package shallownet.train;

import java.util.List;

/**
 * Everything a run needs to continue exactly where it stopped, taken between two steps: the
 * parameters, the optimiser's velocity (null for plain SGD), the position ({@code epoch}, 1-based,
 * and {@code nextStep}, the 0-based step of that epoch to run next; {@code stepsDone} over the
 * run), the early-stopping state and the metrics so far. There is no random-number generator
 * state to keep: the minibatch order is a pure function of (seed, epoch) and the seed is part of
 * the recipe, so (seed, epoch, nextStep) is the whole "RNG state". {@code elapsedSeconds} and
 * {@code trainSeconds} are the run's clocks when the state was taken (as in {@link EpochMetrics},
 * over every attempt so far; NaN when not known, from an older checkpoint), so that a resumed
 * run's figures continue them instead of starting again from zero.
 */
public record TrainingState(int epoch, int nextStep, long stepsDone, float[] params, float[] velocity,
                            double bestLoss, int bestEpoch, float[] bestParams, int sinceBest,
                            List<EpochMetrics> history, double elapsedSeconds, double trainSeconds) {
}
