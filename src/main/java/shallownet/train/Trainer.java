package shallownet.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import shallownet.SettingWords;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;

/**
 * The training loop shared by the Spark job and the single-process reference: the notebook's
 * {@code backprop_minibatch_shallow} (Q20) or, with {@code fullBatch}, {@code backprop_shallow}
 * (Q18). Each step asks the backend for the gradient sum over the step's samples and hands it to
 * {@link SgdUpdate}; with the notebook's recipe that is {@code W -= (lr / samples) * gradient}.
 * With a validation split and a patience, training stops once the validation loss has not
 * improved for that many evaluations, and the best weights are returned. With
 * {@link #checkpointEvery} it hands out its full state now and then, and {@link #resume}
 * continues from such a state exactly as the uninterrupted run would have.
 */
public final class Trainer {

    private final TrainingConfig config;
    private final NetworkShape shape;
    private final TrainingBackend backend;
    private final TrainingListener listener;
    private final StepTimer stepTimer = new StepTimer();
    /** Time in training steps in this attempt, evaluation excluded: the metrics' {@code train_s}. */
    private long trainNanos;
    /** The merged gradient of a step, reused from step to step (the driver's per-step allocation). */
    private float[] gradientBuffer;
    private int checkpointEvery;
    private Consumer<TrainingState> checkpointSink;

    public Trainer(TrainingConfig config, NetworkShape shape, TrainingBackend backend, TrainingListener listener) {
        this.config = config;
        this.shape = shape;
        this.backend = backend;
        this.listener = listener;
    }

    /** A trainer that reports only evaluated epochs. */
    public Trainer(TrainingConfig config, NetworkShape shape, TrainingBackend backend, Consumer<EpochMetrics> onEpoch) {
        this(config, shape, backend, new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics metrics) {
                onEpoch.accept(metrics);
            }
        });
    }

    /**
     * Hands the full training state to {@code sink} every {@code everySteps} steps (counted over
     * the run), so that a killed run can {@link #resume} from it. A checkpoint that falls on the
     * last step of an epoch is taken after that epoch's evaluation, so every state is "before step
     * {@code nextStep} of {@code epoch}" with the evaluations up to it done. 0 turns it off.
     */
    public Trainer checkpointEvery(int everySteps, Consumer<TrainingState> sink) {
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + everySteps);
        }
        this.checkpointEvery = everySteps;
        this.checkpointSink = sink;
        return this;
    }

    /** Trains {@code initial} (not modified) and returns the metrics of each evaluated epoch. */
    public Result train(float[] initial) {
        checkLength(initial);
        return run(initial.clone(), null);
    }

    /**
     * Continues a run from a checkpoint: the same steps, in the same order, from the same state as
     * the run that wrote it, so the result is bit for bit that of an uninterrupted run (given a
     * deterministic backend). Wall times and the step-time summary cover this attempt only.
     */
    public Result resume(TrainingState state) {
        checkLength(state.params());
        return run(state.params().clone(), state);
    }

    private void checkLength(float[] params) {
        if (params.length != shape.parameterCount()) {
            throw new IllegalArgumentException("parameters: expected " + shape.parameterCount() + ", got " + params.length);
        }
    }

    private Result run(float[] params, TrainingState from) {
        SgdUpdate update = new SgdUpdate(config.optimizer(), shape);
        trainNanos = 0;
        ValidationSplit split = ValidationSplit.of(backend.trainCount(), config.validationFraction(), config.seed());
        int[] trainIndices = split.validation() == null ? null : split.train();
        int n = split.train().length;
        long attemptStart = System.nanoTime();
        // The run's clocks: from this attempt's start, or continued from the checkpoint's, so that
        // elapsed_s and train_s keep increasing across a kill and resume (the time between the
        // attempts is not counted).
        long start = attemptStart;
        List<EpochMetrics> history;
        EarlyStopping stopping;
        int firstEpoch;
        int firstStep;
        long stepsDone;
        if (from == null) {
            EpochMetrics initialMetrics = evaluate(params, 0, split, start, start);
            history = new ArrayList<>(List.of(initialMetrics));
            stopping = new EarlyStopping(config.patience(), initialMetrics, params);
            firstEpoch = 1;
            firstStep = 0;
            stepsDone = 0;
        } else {
            update.restoreVelocity(from.velocity());
            history = new ArrayList<>(from.history());
            stopping = EarlyStopping.restore(config.patience(), from);
            firstEpoch = from.epoch();
            firstStep = from.nextStep();
            stepsDone = from.stepsDone();
            if (!Double.isNaN(from.elapsedSeconds())) {
                start = attemptStart - Math.round(from.elapsedSeconds() * 1e9);
            }
            if (!Double.isNaN(from.trainSeconds())) {
                trainNanos = Math.round(from.trainSeconds() * 1e9);
            }
        }
        int steps = config.fullBatch() ? 1 : MinibatchOrder.steps(n, config.batchSize());
        for (int epoch = firstEpoch; epoch <= config.epochs() && !stopping.stopped(); epoch++) {
            long epochStart = System.nanoTime();
            double lr = config.learningRate(epoch);
            int[] order = config.fullBatch() ? null : split.order(config.seed(), epoch);
            boolean checkpointAfterEpoch = false;
            for (int l = epoch == firstEpoch ? firstStep : 0; l < steps; l++) {
                if (config.fullBatch()) {
                    step(update, params, trainIndices, lr, epoch, 1, 1,
                            "iteration " + epoch + "/" + config.epochs() + " (full batch)");
                } else {
                    int[] batch = Arrays.copyOfRange(order, l * config.batchSize(), Math.min((l + 1) * config.batchSize(), n));
                    step(update, params, batch, lr, epoch, l + 1, steps, "epoch " + epoch + " step " + (l + 1) + "/" + steps);
                }
                stepsDone++;
                if (checkpointEvery > 0 && stepsDone % checkpointEvery == 0) {
                    if (l + 1 < steps) {
                        checkpointSink.accept(state(epoch, l + 1, stepsDone, params, update, stopping, history, start));
                    } else {
                        checkpointAfterEpoch = true;
                    }
                }
            }
            if (config.evaluatesAfter(epoch)) {
                EpochMetrics m = evaluate(params, epoch, split, start, epochStart);
                history.add(m);
                stopping.observe(m, params);
            }
            if (checkpointAfterEpoch) {
                checkpointSink.accept(state(epoch + 1, 0, stepsDone, params, update, stopping, history, start));
            }
        }
        float[] result = stopping.enabled() ? stopping.bestParams() : params;
        return new Result(result, history, (System.nanoTime() - attemptStart) / 1e9, stepTimer.summary(),
                stopping.enabled() ? stopping.bestEpoch() : -1, stopping.stopped());
    }

    private TrainingState state(int epoch, int nextStep, long stepsDone, float[] params, SgdUpdate update,
                                EarlyStopping stopping, List<EpochMetrics> history, long start) {
        float[] velocity = update.velocity();
        return new TrainingState(epoch, nextStep, stepsDone, params.clone(), velocity == null ? null : velocity.clone(),
                stopping.bestLoss, stopping.bestEpoch, stopping.best == null ? null : stopping.best.clone(),
                stopping.sinceBest, List.copyOf(history), (System.nanoTime() - start) / 1e9, trainNanos / 1e9);
    }

    private void step(SgdUpdate update, float[] params, int[] batch, double lr, int epoch, int step, int steps,
                      String description) {
        long t0 = System.nanoTime();
        GradientSum sum = backend.gradientSum(params, batch, description);
        if (gradientBuffer == null) {
            gradientBuffer = new float[params.length];
        }
        // The listeners (the divergence guard) see the step's loss before its update is applied:
        // a diverging step never reaches the weights.
        listener.onStep(new TrainingListener.StepProgress(epoch, config.epochs(), step, steps, sum.samples(),
                sum.lossSum(), sum.errors(), System.nanoTime() - t0, shape.outputs()));
        float[] gradient;
        try {
            gradient = sum.gradient(gradientBuffer);
        } catch (GradientRangeException e) {
            throw new GradientRangeException(SettingWords.of(description + ": the minibatch gradient cannot be "
                    + "represented (" + e.detail() + ") although its loss is finite: float32 overflowed in the network, "
                    + "whose inputs reach " + backend.maxAbsInput() + " and weights " + SparkBackend.maxAbs(params)
                    + "; scale the features to about [-1, 1] or lower ", SettingWords.setting("learningRate")),
                    e.detail());
        }
        update.apply(params, gradient, (int) sum.samples(), lr);
        long nanos = System.nanoTime() - t0;
        stepTimer.record(nanos);
        trainNanos += nanos;
    }

    private EpochMetrics evaluate(float[] params, int epoch, ValidationSplit split, long start, long epochStart) {
        String what = epoch == 0 ? "initial network" : (config.fullBatch() ? "iteration " : "epoch ") + epoch;
        SplitSums train = backend.evaluateTrain(params, split.validation(), "evaluate " + what + " on the training set");
        EvalSums test = backend.evaluateTest(params, "evaluate " + what + " on the test set");
        long now = System.nanoTime();
        EvalSums v = train.validation();
        EpochMetrics m = new EpochMetrics(epoch, train.train().loss(), train.train().errorPercent(), test.loss(),
                test.errorPercent(), (now - start) / 1e9, (now - epochStart) / 1e9,
                v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.errorPercent(), trainNanos / 1e9);
        listener.onEpoch(m);
        return m;
    }

    /**
     * Trained parameters, per-epoch metrics (epoch 0 first), wall seconds, step-time summary; with
     * early stopping the epoch whose weights these are and whether it stopped before the last epoch.
     */
    public record Result(float[] params, List<EpochMetrics> history, double seconds, StepTimer.Summary steps,
                         int bestEpoch, boolean stoppedEarly) {
        public EpochMetrics last() {
            return history.get(history.size() - 1);
        }

        /** The metrics of the returned weights: the best epoch's with early stopping, else the last. */
        public EpochMetrics returned() {
            if (bestEpoch < 0) {
                return last();
            }
            return history.stream().filter(m -> m.epoch() == bestEpoch).findFirst().orElse(last());
        }
    }

    /** Tracks the best validation loss; stops after {@code patience} evaluations without improvement. */
    private static final class EarlyStopping {
        private final int patience;
        private double bestLoss;
        private int bestEpoch;
        private float[] best;
        private int sinceBest;

        EarlyStopping(int patience, EpochMetrics initial, float[] params) {
            this.patience = patience;
            this.bestLoss = initial.validationLoss();
            this.bestEpoch = 0;
            this.best = patience > 0 ? params.clone() : null;
        }

        private EarlyStopping(int patience, double bestLoss, int bestEpoch, float[] best, int sinceBest) {
            this.patience = patience;
            this.bestLoss = bestLoss;
            this.bestEpoch = bestEpoch;
            this.best = best;
            this.sinceBest = sinceBest;
        }

        static EarlyStopping restore(int patience, TrainingState s) {
            if (patience > 0 && s.bestParams() == null) {
                throw new IllegalArgumentException("checkpoint has no early-stopping weights, but the recipe has a patience");
            }
            return new EarlyStopping(patience, s.bestLoss(), s.bestEpoch(),
                    s.bestParams() == null ? null : s.bestParams().clone(), s.sinceBest());
        }

        boolean enabled() {
            return patience > 0;
        }

        void observe(EpochMetrics m, float[] params) {
            if (!enabled()) {
                return;
            }
            if (m.validationLoss() < bestLoss) {
                bestLoss = m.validationLoss();
                bestEpoch = m.epoch();
                best = params.clone();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }

        boolean stopped() {
            return enabled() && sinceBest >= patience;
        }

        float[] bestParams() {
            return best;
        }

        int bestEpoch() {
            return bestEpoch;
        }
    }
}
