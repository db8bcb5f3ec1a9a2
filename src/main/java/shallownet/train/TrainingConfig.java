package shallownet.train;

import shallownet.InvalidSettingException;
import java.io.Serializable;

/**
 * The recipe. Defaults are the notebook's: 64 hidden units, minibatches of 100, learning rate
 * 0.05 normalised by the minibatch size, 5 epochs, plain SGD. {@code fullBatch} is Q18's gradient
 * descent, where {@code epochs} counts iterations. {@code evalEvery} = 0 evaluates only after the
 * last epoch. The optimiser options (momentum, schedule, weight decay) and early stopping on a
 * held-out validation split of the training set are off in the notebook's recipe.
 */
public record TrainingConfig(int hidden, int batchSize, double learningRate, int epochs, long seed,
                             boolean fullBatch, int evalEvery, int classes, Optimizer optimizer,
                             double validationFraction, int patience) implements Serializable {

    public static final int DEFAULT_HIDDEN = 64;
    public static final int DEFAULT_BATCH = 100;
    public static final double DEFAULT_LR = 0.05;
    public static final int DEFAULT_EPOCHS = 5;
    public static final long DEFAULT_SEED = 1;
    public static final int DEFAULT_CLASSES = 10;
    public static final int DEFAULT_EVAL_EVERY = 1;
    /** Factor of the step and exponential schedules when none is given. */
    public static final double DEFAULT_LR_DECAY = 0.9;
    /** Epochs between two decays of the step schedule when none is given. */
    public static final int DEFAULT_LR_STEP_EPOCHS = 1;

    /**
     * Momentum {@code mu} (0: plain SGD), classical or Nesterov; the learning-rate schedule; L2
     * weight decay {@code lambda} on the weight matrices (not the biases), added to the gradient.
     */
    public record Optimizer(double momentum, boolean nesterov, LearningRateSchedule schedule, double decay,
                            int stepEpochs, double weightDecay) implements Serializable {

        public static final Optimizer PLAIN_SGD = new Optimizer(0, false, LearningRateSchedule.CONSTANT, 1, 1, 0);

        public Optimizer {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new InvalidSettingException("{} must be in [0, 1), got " + momentum, "momentum");
            }
            if (nesterov && momentum == 0) {
                throw new InvalidSettingException("{} needs a {} above 0", "nesterov", "momentum");
            }
            if (!(decay > 0 && decay <= 1)) {
                throw new InvalidSettingException("{} must be in (0, 1], got " + decay, "decay");
            }
            if (stepEpochs < 1) {
                throw new InvalidSettingException("{} must be at least 1, got " + stepEpochs, "stepEpochs");
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new InvalidSettingException("{} must be >= 0, got " + weightDecay, "weightDecay");
            }
        }

        public boolean isPlain() {
            return momentum == 0 && weightDecay == 0;
        }
    }

    public TrainingConfig {
        if (hidden < 1) {
            throw new InvalidSettingException("{} must be at least 1, got " + hidden, "hidden");
        }
        if (batchSize < 1) {
            throw new InvalidSettingException("{} must be at least 1, got " + batchSize, "batchSize");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidSettingException("{} must be a positive number, got " + learningRate, "learningRate");
        }
        if (epochs < 0) {
            throw new InvalidSettingException("{} must be >= 0, got " + epochs, "epochs");
        }
        if (evalEvery < 0) {
            throw new InvalidSettingException("{} must be >= 0, got " + evalEvery, "evalEvery");
        }
        if (classes < 2 || classes > 256) {
            throw new InvalidSettingException("{} must be in 2..256, got " + classes, "classes");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new InvalidSettingException("{} must be in [0, 1), got " + validationFraction,
                    "validationFraction");
        }
        if (patience < 0) {
            throw new InvalidSettingException("{} must be >= 0, got " + patience, "patience");
        }
        if (patience > 0 && validationFraction == 0) {
            throw new InvalidSettingException("{} (early stopping) needs a {} above 0", "patience", "validationFraction");
        }
        if (optimizer == null) {
            optimizer = Optimizer.PLAIN_SGD;
        }
    }

    /** The notebook's recipe with plain SGD and no validation split. */
    public TrainingConfig(int hidden, int batchSize, double learningRate, int epochs, long seed, boolean fullBatch,
                          int evalEvery, int classes) {
        this(hidden, batchSize, learningRate, epochs, seed, fullBatch, evalEvery, classes, Optimizer.PLAIN_SGD, 0, 0);
    }

    public static TrainingConfig seedRecipe() {
        return new TrainingConfig(DEFAULT_HIDDEN, DEFAULT_BATCH, DEFAULT_LR, DEFAULT_EPOCHS, DEFAULT_SEED,
                false, 1, DEFAULT_CLASSES);
    }

    /** This recipe with the settings that the withers change. */
    private TrainingConfig with(int e, boolean f, int every, Optimizer o) {
        return new TrainingConfig(hidden, batchSize, learningRate, e, seed, f, every, classes, o, validationFraction,
                patience);
    }

    public TrainingConfig withEpochs(int e) {
        return with(e, fullBatch, evalEvery, optimizer);
    }

    public TrainingConfig withFullBatch(boolean f) {
        return with(epochs, f, evalEvery, optimizer);
    }

    public TrainingConfig withEvalEvery(int e) {
        return with(epochs, fullBatch, e, optimizer);
    }

    public TrainingConfig withOptimizer(Optimizer o) {
        return with(epochs, fullBatch, evalEvery, o);
    }

    public TrainingConfig withValidation(double fraction, int patienceEpochs) {
        return new TrainingConfig(hidden, batchSize, learningRate, epochs, seed, fullBatch, evalEvery, classes, optimizer,
                fraction, patienceEpochs);
    }

    /** Learning rate of {@code epoch} (1-based) under the schedule. */
    public double learningRate(int epoch) {
        return learningRate * optimizer.schedule().factor(epoch, epochs, optimizer.decay(), optimizer.stepEpochs());
    }

    /** Whether metrics are computed after {@code epoch} (1-based) of {@code epochs}. */
    public boolean evaluatesAfter(int epoch) {
        return epoch == epochs || (evalEvery > 0 && epoch % evalEvery == 0);
    }

    /** The recipe in one line, for the log and the report. */
    public String describe() {
        TrainingConfig c = this;
        Optimizer o = c.optimizer();
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
}
