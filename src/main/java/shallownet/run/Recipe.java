package shallownet.run;

import java.util.function.IntFunction;
import shallownet.train.TrainingConfig;

/**
 * A training recipe as a command gives it: the classes, the hidden units asked for (null: the
 * starting model's, or {@code hiddenOrDefault} for fresh weights), the seed of fresh weights, the
 * preset's name, the training configuration for a hidden-unit count ({@code config}: the hidden
 * size may come from the starting model), and the divergence guard's factor.
 */
public record Recipe(int classes, Integer hidden, int hiddenOrDefault, long seed, String preset,
                     IntFunction<TrainingConfig> config, double maxLossFactor) {
}
