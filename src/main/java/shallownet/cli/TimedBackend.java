package shallownet.cli;

import shallownet.net.EvalSums;
import shallownet.train.SplitSums;
import shallownet.train.TrainingBackend;

/**
 * A backend that adds up the wall time of its gradient and evaluation calls, so that the report
 * can split the training phase into gradient steps, evaluations and the driver's own work.
 */
final class TimedBackend implements TrainingBackend {

    private final TrainingBackend inner;
    private long gradientNanos;
    private long evaluationNanos;

    TimedBackend(TrainingBackend inner) {
        this.inner = inner;
    }

    double gradientSeconds() {
        return gradientNanos / 1e9;
    }

    double evaluationSeconds() {
        return evaluationNanos / 1e9;
    }

    @Override
    public int trainCount() {
        return inner.trainCount();
    }

    @Override
    public float[] gradientSum(float[] params, int[] batch, String description) {
        long t0 = System.nanoTime();
        try {
            return inner.gradientSum(params, batch, description);
        } finally {
            gradientNanos += System.nanoTime() - t0;
        }
    }

    @Override
    public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
        long t0 = System.nanoTime();
        try {
            return inner.evaluateTrain(params, validation, description);
        } finally {
            evaluationNanos += System.nanoTime() - t0;
        }
    }

    @Override
    public EvalSums evaluateTest(float[] params, String description) {
        long t0 = System.nanoTime();
        try {
            return inner.evaluateTest(params, description);
        } finally {
            evaluationNanos += System.nanoTime() - t0;
        }
    }
}
