package shallownet.train;

import shallownet.data.SampleBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;

/**
 * The single-process reference: the whole training and test sets as one block each, in this
 * JVM, through the same kernel and the same {@link Trainer} loop as the Spark job.
 */
public record LocalBackend(NetworkShape shape, SampleBlock train, SampleBlock test) implements TrainingBackend {

    @Override
    public int trainCount() {
        return train.count();
    }

    @Override
    public GradientSum gradientSum(float[] params, int[] batch, String description) {
        return new GradientSum(SparkBackend.stepPoints(shape, params, maxAbsInput(), batch == null ? train.count()
                : batch.length, description)).add(train, shape, params, batch);
    }

    @Override
    public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
        return SplitSums.empty(shape.outputs(), validation != null).add(train, shape, params, validation);
    }

    @Override
    public EvalSums evaluateTest(float[] params, String description) {
        return SplitSums.all(shape.outputs()).add(test, shape, params, null).train();
    }
}
