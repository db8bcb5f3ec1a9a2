package shallownet.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import shallownet.report.ReportAssembly;
import shallownet.report.TrainingReport;
import shallownet.train.LearningRateSchedule;
import shallownet.train.Preset;
import shallownet.train.TrainingConfig;

/**
 * The training recipe's options, defined once for {@code train} and {@code retrain}: the same
 * names, meanings and preset rules, explicit options over the preset's values. Defaults files key
 * them by command ({@code shallownet.train.seed}, {@code shallownet.retrain.seed}).
 */
final class RecipeOptions {

    @Option(names = "--hidden", description = "Hidden units (default: " + TrainingConfig.DEFAULT_HIDDEN + ", or the starting model's: train's "
            + "--init-model, retrain's champion when warm-starting).")
    Integer hidden;

    @Option(names = "--classes", defaultValue = "" + TrainingConfig.DEFAULT_CLASSES, description = "Output classes; labels must be below (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--preset", defaultValue = "seed", description = "Recipe: seed (the notebook's) or fast "
            + "(time to accuracy); options given explicitly override it (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--batch-size", description = "Minibatch size B (seed: " + TrainingConfig.DEFAULT_BATCH + ").")
    Integer batchSize;

    @Option(names = "--lr", description = "Learning rate gamma, normalised by the minibatch size (seed: "
            + TrainingConfig.DEFAULT_LR + ").")
    Double lr;

    @Option(names = "--epochs", description = "Epochs, or iterations with train's --full-batch (seed: "
            + TrainingConfig.DEFAULT_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--momentum", description = "Momentum mu in [0, 1); 0 is plain SGD (seed: 0).")
    Double momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum instead of classical.")
    Boolean nesterov;

    @Option(names = "--lr-schedule", description = "constant, step, exponential or cosine (seed: constant).")
    String lrSchedule;

    @Option(names = "--lr-decay", description = "Factor of the step and exponential schedules (default: "
            + TrainingConfig.DEFAULT_LR_DECAY + ").")
    Double lrDecay;

    @Option(names = "--lr-step-epochs", description = "Epochs between decays of the step schedule (default: "
            + TrainingConfig.DEFAULT_LR_STEP_EPOCHS + ").")
    Integer lrStepEpochs;

    @Option(names = "--weight-decay", description = "L2 weight decay lambda on W1 and W2 (default: 0).")
    Double weightDecay;

    @Option(names = "--validation-fraction", defaultValue = "0", description = "Hold out this fraction of the "
            + "training set, drawn from the seed, and report its loss and error (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: stop after N evaluations without "
            + "a better validation loss and keep the best weights; needs --validation-fraction (default: off).")
    int patience;

    @Option(names = "--seed", defaultValue = "" + TrainingConfig.DEFAULT_SEED, description = "Seed of the initial weights and of the minibatch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "" + TrainingConfig.DEFAULT_EVAL_EVERY, description = "Evaluate train and test sets every N epochs; 0: only after the last (default: ${DEFAULT-VALUE}).")
    int evalEvery;

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

    /** The recipe in one line, for the log and the report. */
    static String describe(TrainingConfig c) {
        TrainingConfig.Optimizer o = c.optimizer();
        String method = o.momentum() == 0 ? "SGD" : String.format("SGD with %s momentum %s",
                o.nesterov() ? "Nesterov" : "classical", o.momentum());
        String extras = (o.schedule() == LearningRateSchedule.CONSTANT ? "" : ", " + o.schedule() + " schedule")
                + (o.weightDecay() > 0 ? ", weight decay " + o.weightDecay() : "")
                + (c.validationFraction() > 0 ? ", validation fraction " + c.validationFraction() : "")
                + (c.patience() > 0 ? ", patience " + c.patience() : "");
        return c.fullBatch()
                ? String.format("full-batch gradient descent, lr %s, %d iterations, seed %d%s", c.learningRate(), c.epochs(), c.seed(), extras)
                : String.format("minibatch %s, B=%d, lr %s, %d epochs, seed %d%s", method, c.batchSize(), c.learningRate(),
                        c.epochs(), c.seed(), extras);
    }

    /** The recipe's rows of a report's configuration table. */
    List<TrainingReport.Entry> reportEntries(TrainingConfig c) {
        TrainingConfig.Optimizer o = c.optimizer();
        List<TrainingReport.Entry> e = new ArrayList<>();
        e.add(ReportAssembly.entry("method", describe(c)));
        e.add(ReportAssembly.entry("preset", preset));
        e.add(ReportAssembly.entry("network", c.hidden() + " hidden units, " + c.classes() + " classes"));
        e.add(ReportAssembly.entry("batch size", c.fullBatch() ? "full batch" : c.batchSize()));
        e.add(ReportAssembly.entry("learning rate", c.learningRate()));
        e.add(ReportAssembly.entry(c.fullBatch() ? "iterations" : "epochs", c.epochs()));
        e.add(ReportAssembly.entry("momentum", o.momentum() + (o.nesterov() ? " (Nesterov)" : "")));
        e.add(ReportAssembly.entry("learning-rate schedule", o.schedule()));
        e.add(ReportAssembly.entry("weight decay", o.weightDecay()));
        e.add(ReportAssembly.entry("validation fraction", c.validationFraction()));
        e.add(ReportAssembly.entry("patience", c.patience()));
        e.add(ReportAssembly.entry("evaluate every (--eval-every)", c.evalEvery() == 0 ? "only after the last"
                : String.valueOf(c.evalEvery())));
        e.add(ReportAssembly.entry("seed", c.seed()));
        return e;
    }
}
