package shallownet.train;

import shallownet.data.LabeledBlock;
import shallownet.data.SampleBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * The single-process reference: the whole training and test sets as one block each, in this
 * JVM, through the same kernel and the same {@link Trainer} loop as the Spark job.
 */
public final class LocalBackend implements TrainingBackend {

    private final NetworkShape shape;
    private final SampleBlock train;
    private final SampleBlock test;
    private final int classes;

    public LocalBackend(NetworkShape shape, SampleBlock train, SampleBlock test) {
        this.shape = shape;
        this.train = train;
        this.test = test;
        this.classes = shape.outputs();
    }

    @Override
    public int trainCount() {
        return train.count();
    }

    @Override
    public GradientSum gradientSum(float[] params, int[] batch, String description) {
        return new GradientSum().add(train, shape, params, batch);
    }

    @Override
    public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
        SplitSums sums = SplitSums.empty(classes, validation != null);
        add(train, shape, params, validation, sums);
        return sums;
    }

    /** Folds one block into split metrics: the fold both backends use. */
    static SplitSums add(LabeledBlock block, NetworkShape shape, float[] params, int[] validation, SplitSums sums) {
        NetworkKernel kernel = NetworkKernel.forThread(shape);
        if (validation == null) {
            block.evaluate(kernel, params, sums.train());
        } else {
            block.evaluateSplit(kernel, params, validation, sums.train(), sums.validation());
        }
        return sums;
    }

    @Override
    public EvalSums evaluateTest(float[] params, String description) {
        return evaluate(test, params);
    }

    private EvalSums evaluate(SampleBlock block, float[] params) {
        EvalSums sums = new EvalSums(classes);
        block.evaluate(NetworkKernel.forThread(shape), params, sums);
        return sums;
    }
}
