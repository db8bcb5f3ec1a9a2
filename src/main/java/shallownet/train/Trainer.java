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
 * (Q18). Each step asks the backend for the gradient sum over the step's samples and applies
 * {@code W -= (lr / samples) * gradient}, as {@code update_shallow} does.
 */
public final class Trainer {

    private final TrainingConfig config;
    private final NetworkShape shape;
    private final TrainingBackend backend;
    private final Consumer<EpochMetrics> onEpoch;
    private final StepTimer stepTimer = new StepTimer();

    public Trainer(TrainingConfig config, NetworkShape shape, TrainingBackend backend, Consumer<EpochMetrics> onEpoch) {
        this.config = config;
        this.shape = shape;
        this.backend = backend;
        this.onEpoch = onEpoch;
    }

    /** Trains {@code initial} (not modified) and returns the metrics of each evaluated epoch. */
    public Result train(float[] initial) {
        if (initial.length != shape.parameterCount()) {
            throw new IllegalArgumentException("parameters: expected " + shape.parameterCount() + ", got " + initial.length);
        }
        float[] params = initial.clone();
        List<EpochMetrics> history = new ArrayList<>();
        long start = System.nanoTime();
        history.add(evaluate(params, 0, start, start));
        int n = backend.trainCount();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            if (config.fullBatch()) {
                step(params, null, n, "iteration " + epoch + "/" + config.epochs() + " (full batch)");
            } else {
                int[] order = MinibatchOrder.permutation(config.seed(), epoch, n);
                int steps = MinibatchOrder.steps(n, config.batchSize());
                for (int l = 0; l < steps; l++) {
                    int[] batch = Arrays.copyOfRange(order, l * config.batchSize(),
                            Math.min((l + 1) * config.batchSize(), n));
                    step(params, batch, batch.length, "epoch " + epoch + " step " + (l + 1) + "/" + steps);
                }
            }
            if (config.evaluatesAfter(epoch)) {
                history.add(evaluate(params, epoch, start, epochStart));
            }
        }
        return new Result(params, history, (System.nanoTime() - start) / 1e9, stepTimer.summary());
    }

    private void step(float[] params, int[] batch, int samples, String description) {
        long t0 = System.nanoTime();
        float[] gradient = backend.gradientSum(params, batch, description);
        float scale = (float) (config.learningRate() / samples);
        for (int i = 0; i < params.length; i++) {
            params[i] -= scale * gradient[i];
        }
        stepTimer.record(System.nanoTime() - t0);
    }

    private EpochMetrics evaluate(float[] params, int epoch, long start, long epochStart) {
        String what = epoch == 0 ? "initial network" : (config.fullBatch() ? "iteration " : "epoch ") + epoch;
        EvalSums train = backend.evaluateTrain(params, "evaluate " + what + " on the training set");
        EvalSums test = backend.evaluateTest(params, "evaluate " + what + " on the test set");
        long now = System.nanoTime();
        EpochMetrics m = new EpochMetrics(epoch, train.loss(), train.errorPercent(), test.loss(),
                test.errorPercent(), (now - start) / 1e9, (now - epochStart) / 1e9);
        onEpoch.accept(m);
        return m;
    }

    /** Trained parameters, per-epoch metrics (epoch 0 first), wall seconds, step-time summary. */
    public record Result(float[] params, List<EpochMetrics> history, double seconds, StepTimer.Summary steps) {
        public EpochMetrics last() {
            return history.get(history.size() - 1);
        }
    }
}
