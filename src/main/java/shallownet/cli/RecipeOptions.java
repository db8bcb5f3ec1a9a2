package shallownet.cli;

import picocli.CommandLine.Option;
import shallownet.run.Recipe;
import shallownet.train.LearningRateSchedule;
import shallownet.train.Preset;
import shallownet.train.TrainingConfig;

/**
 * The training recipe's options, defined once for {@code train} and {@code retrain}: the same
 * names, meanings and preset rules, explicit options over the preset's values. Defaults files key
 * them by command ({@code shallownet.train.seed}, {@code shallownet.retrain.seed}).
 */
final class RecipeOptions {

    @Option(names = "--hidden",
            description = "Hidden units (default: " + TrainingConfig.DEFAULT_HIDDEN + ", or the starting model's: train's "
            + "--init-model, retrain's champion when warm-starting).") Integer hidden;

    @Option(names = "--classes", defaultValue = "" + TrainingConfig.DEFAULT_CLASSES,
            description = "Output classes; labels must be below (default: ${DEFAULT-VALUE}).") int classes;

    @Option(names = "--preset", defaultValue = "seed", description = "Recipe: seed (the notebook's) or fast "
            + "(time to accuracy); options given explicitly override it (default: ${DEFAULT-VALUE}).") String preset;

    @Option(names = "--batch-size", description = "Minibatch size B (seed: " + TrainingConfig.DEFAULT_BATCH + ").") Integer batchSize;

    @Option(names = "--lr", description = "Learning rate gamma, normalised by the minibatch size (seed: "
            + TrainingConfig.DEFAULT_LR + ").") Double lr;

    @Option(names = "--epochs", description = "Epochs, or iterations with train's --full-batch (seed: "
            + TrainingConfig.DEFAULT_EPOCHS + ").") Integer epochs;

    @Option(names = "--momentum", description = "Momentum mu in [0, 1); 0 is plain SGD (seed: 0).") Double momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum instead of classical.") Boolean nesterov;

    @Option(names = "--lr-schedule", description = "constant, step, exponential or cosine (seed: constant).") String lrSchedule;

    @Option(names = "--lr-decay", description = "Factor of the step and exponential schedules (default: "
            + TrainingConfig.DEFAULT_LR_DECAY + ").") Double lrDecay;

    @Option(names = "--lr-step-epochs", description = "Epochs between decays of the step schedule (default: "
            + TrainingConfig.DEFAULT_LR_STEP_EPOCHS + ").") Integer lrStepEpochs;

    @Option(names = "--weight-decay", description = "L2 weight decay lambda on W1 and W2 (default: 0).") Double weightDecay;

    @Option(names = "--validation-fraction", defaultValue = "0", description = "Hold out this fraction of the "
            + "training set, drawn from the seed, and report its loss and error (default: ${DEFAULT-VALUE}).") double validationFraction;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: stop after N evaluations without "
            + "a better validation loss and keep the best weights; needs --validation-fraction (default: off).") int patience;

    @Option(names = "--seed", defaultValue = "" + TrainingConfig.DEFAULT_SEED,
            description = "Seed of the initial weights and of the minibatch order (default: ${DEFAULT-VALUE}).") long seed;

    @Option(names = "--eval-every", defaultValue = "" + TrainingConfig.DEFAULT_EVAL_EVERY,
            description = "Evaluate train and test sets every N epochs; 0: only after the last (default: ${DEFAULT-VALUE}).") int evalEvery;

    /** The hidden size when no starting model settles it. */
    int hiddenOrDefault() {
        return hidden == null ? TrainingConfig.DEFAULT_HIDDEN : hidden;
    }

    /** Minibatch SGD with these options over the preset's values. */
    TrainingConfig recipe(int hiddenUnits) {
        return recipe(hiddenUnits, false);
    }

    /** The options over the preset's values; {@code fullBatch}: gradient descent on the whole set. */
    TrainingConfig recipe(int hiddenUnits, boolean fullBatch) {
        Preset p = Preset.parse(preset);
        TrainingConfig.Optimizer o = p.optimizer();
        // An option not given (null) takes the preset's value.
        TrainingConfig.Optimizer optimizer = new TrainingConfig.Optimizer(
                momentum != null ? momentum : o.momentum(),
                nesterov != null ? nesterov : o.nesterov() && (momentum == null || momentum > 0),
                lrSchedule != null ? LearningRateSchedule.parse(lrSchedule) : o.schedule(),
                lrDecay != null ? lrDecay : o.decay(),
                lrStepEpochs != null ? lrStepEpochs : o.stepEpochs(),
                weightDecay != null ? weightDecay : o.weightDecay());
        return new TrainingConfig(hiddenUnits, batchSize != null ? batchSize : p.batchSize(),
                lr != null ? lr : p.learningRate(), epochs != null ? epochs : p.epochs(), seed, fullBatch, evalEvery,
                classes, optimizer, validationFraction, patience);
    }

    /** The recipe as the run layer takes it. */
    Recipe recipe(boolean fullBatch, double maxLossFactor) {
        return new Recipe(classes, hidden, hiddenOrDefault(), seed, preset, h -> recipe(h, fullBatch), maxLossFactor);
    }
}
