package shallownet.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;

/**
 * The training loop shared by the Spark job and the single-process reference: the notebook's
 * {@code backprop_minibatch_shallow} (Q20) or, with {@code fullBatch}, {@code backprop_shallow}
 * (Q18). Each step asks the backend for the gradient sum over the step's samples and hands it to
 * {@link SgdUpdate}; with the notebook's recipe that is {@code W -= (lr / samples) * gradient}.
 * With a validation split and a patience, training stops once the validation loss has not
 * improved for that many evaluations, and the best weights are returned.
 */
public final class Trainer {

    private final TrainingConfig config;
    private final NetworkShape shape;
    private final TrainingBackend backend;
    private final TrainingListener listener;
    private final StepTimer stepTimer = new StepTimer();

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

    /** Trains {@code initial} (not modified) and returns the metrics of each evaluated epoch. */
    public Result train(float[] initial) {
        if (initial.length != shape.parameterCount()) {
            throw new IllegalArgumentException("parameters: expected " + shape.parameterCount() + ", got " + initial.length);
        }
        float[] params = initial.clone();
        SgdUpdate update = new SgdUpdate(config.optimizer(), shape);
        ValidationSplit split = ValidationSplit.of(backend.trainCount(), config.validationFraction(), config.seed());
        int[] trainIndices = split.validation() == null ? null : split.train();
        int n = split.train().length;
        List<EpochMetrics> history = new ArrayList<>();
        long start = System.nanoTime();
        EpochMetrics initialMetrics = evaluate(params, 0, split, start, start);
        history.add(initialMetrics);
        EarlyStopping stopping = new EarlyStopping(config.patience(), initialMetrics, params);
        int steps = config.fullBatch() ? 1 : MinibatchOrder.steps(n, config.batchSize());
        for (int epoch = 1; epoch <= config.epochs() && !stopping.stopped(); epoch++) {
            long epochStart = System.nanoTime();
            double lr = config.learningRate(epoch);
            if (config.fullBatch()) {
                step(update, params, trainIndices, lr, epoch, 1, 1,
                        "iteration " + epoch + "/" + config.epochs() + " (full batch)");
            } else {
                int[] order = split.order(config.seed(), epoch);
                for (int l = 0; l < steps; l++) {
                    int[] batch = Arrays.copyOfRange(order, l * config.batchSize(), Math.min((l + 1) * config.batchSize(), n));
                    step(update, params, batch, lr, epoch, l + 1, steps, "epoch " + epoch + " step " + (l + 1) + "/" + steps);
                }
            }
            if (config.evaluatesAfter(epoch)) {
                EpochMetrics m = evaluate(params, epoch, split, start, epochStart);
                history.add(m);
                stopping.observe(m, params);
            }
        }
        float[] result = stopping.enabled() ? stopping.bestParams() : params;
        return new Result(result, history, (System.nanoTime() - start) / 1e9, stepTimer.summary(),
                stopping.enabled() ? stopping.bestEpoch() : -1, stopping.stopped());
    }

    private void step(SgdUpdate update, float[] params, int[] batch, double lr, int epoch, int step, int steps,
                      String description) {
        long t0 = System.nanoTime();
        GradientSum sum = backend.gradientSum(params, batch, description);
        update.apply(params, sum.gradient(), (int) sum.samples(), lr);
        long nanos = System.nanoTime() - t0;
        stepTimer.record(nanos);
        listener.onStep(new TrainingListener.StepProgress(epoch, config.epochs(), step, steps, sum.samples(),
                sum.lossSum(), sum.errors(), nanos, shape.outputs()));
    }

    private EpochMetrics evaluate(float[] params, int epoch, ValidationSplit split, long start, long epochStart) {
        String what = epoch == 0 ? "initial network" : (config.fullBatch() ? "iteration " : "epoch ") + epoch;
        SplitSums train = backend.evaluateTrain(params, split.validation(), "evaluate " + what + " on the training set");
        EvalSums test = backend.evaluateTest(params, "evaluate " + what + " on the test set");
        long now = System.nanoTime();
        EvalSums v = train.validation();
        EpochMetrics m = new EpochMetrics(epoch, train.train().loss(), train.train().errorPercent(), test.loss(),
                test.errorPercent(), (now - start) / 1e9, (now - epochStart) / 1e9,
                v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.errorPercent());
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
