package shallownet.cli;

import picocli.CommandLine.Option;
import shallownet.train.LearningRateSchedule;
import shallownet.train.TrainingConfig;

/**
 * The training recipe's options as {@code retrain} takes them: the same names, meanings and
 * preset rules as {@code train}'s ({@link TrainCommand}), explicit options over the preset's values.
 */
final class RecipeOptions {

    @Option(names = "--hidden", description = "Hidden units (default: 64, or the champion's when warm-starting).")
    Integer hidden;

    @Option(names = "--classes", defaultValue = "10", description = "Output classes; labels must be below (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--preset", defaultValue = "seed", description = "Recipe: seed (the notebook's) or fast; "
            + "options given explicitly override it (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--batch-size", description = "Minibatch size B (seed: 100).")
    Integer batchSize;

    @Option(names = "--lr", description = "Learning rate gamma, normalised by the minibatch size (seed: 0.05).")
    Double lr;

    @Option(names = "--epochs", description = "Epochs (seed: 5).")
    Integer epochs;

    @Option(names = "--momentum", description = "Momentum mu in [0, 1); 0 is plain SGD (seed: 0).")
    Double momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum instead of classical.")
    Boolean nesterov;

    @Option(names = "--lr-schedule", description = "constant, step, exponential or cosine (seed: constant).")
    String lrSchedule;

    @Option(names = "--lr-decay", description = "Factor of the step and exponential schedules (default: 0.9).")
    Double lrDecay;

    @Option(names = "--lr-step-epochs", description = "Epochs between decays of the step schedule (default: 1).")
    Integer lrStepEpochs;

    @Option(names = "--weight-decay", description = "L2 weight decay lambda on W1 and W2 (default: 0).")
    Double weightDecay;

    @Option(names = "--validation-fraction", defaultValue = "0", description = "Hold out this fraction of the "
            + "training set and report its loss and error (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping after N evaluations without a "
            + "better validation loss; needs --validation-fraction (default: off).")
    int patience;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and of the minibatch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "1", description = "Evaluate train and test sets every N epochs; 0: only after the last (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    TrainingConfig recipe(int hiddenUnits) {
        Preset p = Preset.parse(preset);
        TrainingConfig.Optimizer o = p.optimizer;
        TrainingConfig.Optimizer optimizer = new TrainingConfig.Optimizer(
                momentum != null ? momentum : o.momentum(),
                nesterov != null ? nesterov : o.nesterov() && (momentum == null || momentum > 0),
                lrSchedule != null ? LearningRateSchedule.parse(lrSchedule) : o.schedule(),
                lrDecay != null ? lrDecay : (o.decay() == 1 ? 0.9 : o.decay()),
                lrStepEpochs != null ? lrStepEpochs : o.stepEpochs(),
                weightDecay != null ? weightDecay : o.weightDecay());
        return new TrainingConfig(hiddenUnits, batchSize != null ? batchSize : p.batchSize,
                lr != null ? lr : p.learningRate, epochs != null ? epochs : p.epochs, seed, false, evalEvery,
                classes, optimizer, validationFraction, patience);
    }
}
