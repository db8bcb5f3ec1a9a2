package shallownet.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import shallownet.data.LabeledBlock;
import shallownet.data.SampleBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * The distributed driver around {@link GradientSum} and {@link EvalSums}, after MLlib's
 * {@code RDDLossFunction}: each step broadcasts the weights, every partition folds the gradient
 * of its share of the minibatch, {@code treeAggregate} sums the partial gradients, and the old
 * broadcast is destroyed. Only data and weights move here; the math is in the kernel.
 */
public final class SparkBackend implements TrainingBackend {

    private final JavaSparkContext sc;
    private final NetworkShape shape;
    private final JavaRDD<LabeledBlock> train;
    private final JavaRDD<LabeledBlock> test;
    private final int trainCount;
    private final int depth;
    private long lastKernelNanos;

    /** {@code train} and {@code test} should be cached; {@code trainCount} is the training set size. */
    public SparkBackend(JavaSparkContext sc, NetworkShape shape, JavaRDD<? extends LabeledBlock> train, int trainCount,
                        JavaRDD<? extends LabeledBlock> test) {
        this.sc = sc;
        this.shape = shape;
        this.train = blocks(train);
        this.test = blocks(test);
        this.trainCount = trainCount;
        this.depth = treeDepth(train.getNumPartitions());
    }

    /** Either kind of block as the general type: safe, since an RDD is never written to. */
    @SuppressWarnings("unchecked")
    private static JavaRDD<LabeledBlock> blocks(JavaRDD<? extends LabeledBlock> rdd) {
        return (JavaRDD<LabeledBlock>) rdd;
    }

    /**
     * {@code treeAggregate} depth. Depth 2 adds a shuffle stage to every step; measured per step
     * (local[2], real MNIST, B=100, median of 120 after warm-up): 4 partitions 31.9 ms at depth 1
     * vs 32.8 at depth 2, 8 partitions 47.2 vs 89.6, 16 partitions 66.5 vs 135.4. So the driver
     * merges the partial gradients itself (200 KB each) until there are many of them; 32 is a
     * guess beyond what was measured, where one driver merge would dominate a step.
     */
    public static int treeDepth(int partitions) {
        return partitions > 32 ? 2 : 1;
    }

    /** Kernel time of the last step's slowest partition (the rest of the step is Spark's). */
    public long lastKernelNanos() {
        return lastKernelNanos;
    }

    @Override
    public int trainCount() {
        return trainCount;
    }

    @Override
    public GradientSum gradientSum(float[] params, int[] batch, String description) {
        sc.setJobDescription(description);
        Broadcast<float[]> weights = sc.broadcast(params);
        try {
            GradientSum sum = train.treeAggregate(new GradientSum(), gradientFold(shape, weights, batch),
                    GradientSum::merge, depth);
            if (sum.isEmpty()) {
                throw new IllegalStateException(description + ": no partition held any sample of the step");
            }
            lastKernelNanos = sum.kernelNanos();
            return sum;
        } finally {
            weights.destroy();
        }
    }

    // Static so that the closure captures the shape, the broadcast and the batch, never this.
    private static org.apache.spark.api.java.function.Function2<GradientSum, LabeledBlock, GradientSum> gradientFold(
            NetworkShape shape, Broadcast<float[]> weights, int[] batch) {
        return (acc, block) -> acc.add(block, shape, weights.value(), batch);
    }

    @Override
    public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
        sc.setJobDescription(description);
        Broadcast<float[]> weights = sc.broadcast(params);
        try {
            return train.treeAggregate(SplitSums.empty(shape.outputs(), validation != null),
                    splitFold(shape, weights, validation), SplitSums::merge, depth);
        } finally {
            weights.destroy();
        }
    }

    private static org.apache.spark.api.java.function.Function2<SplitSums, LabeledBlock, SplitSums> splitFold(
            NetworkShape shape, Broadcast<float[]> weights, int[] validation) {
        return (acc, block) -> LocalBackend.add(block, shape, weights.value(), validation, acc);
    }

    @Override
    public EvalSums evaluateTest(float[] params, String description) {
        return evaluate(sc, shape, test, params, description);
    }

    /** Loss, errors and confusion counts of {@code params} over all samples of {@code blocks}. */
    public static EvalSums evaluate(JavaSparkContext sc, NetworkShape shape, JavaRDD<? extends LabeledBlock> rdd,
                                    float[] params, String description) {
        JavaRDD<LabeledBlock> blocks = blocks(rdd);
        int depth = treeDepth(blocks.getNumPartitions());
        sc.setJobDescription(description);
        Broadcast<float[]> weights = sc.broadcast(params);
        try {
            return blocks.treeAggregate(new EvalSums(shape.outputs()), evalFold(shape, weights),
                    EvalSums::merge, depth);
        } finally {
            weights.destroy();
        }
    }

    private static org.apache.spark.api.java.function.Function2<EvalSums, LabeledBlock, EvalSums> evalFold(
            NetworkShape shape, Broadcast<float[]> weights) {
        return (acc, block) -> {
            block.evaluate(NetworkKernel.forThread(shape), weights.value(), acc);
            return acc;
        };
    }

    /**
     * The first {@code limit} misclassified samples of {@code blocks} (by index) at {@code params},
     * with their pixels: the grid of the training report. One pass, only the kept samples move.
     */
    public static MisclassifiedSamples misclassified(JavaSparkContext sc, NetworkShape shape,
                                                     JavaRDD<SampleBlock> blocks, float[] params, int limit,
                                                     String description) {
        sc.setJobDescription(description);
        Broadcast<float[]> weights = sc.broadcast(params);
        try {
            return blocks.treeAggregate(new MisclassifiedSamples(limit), misclassifiedFold(shape, weights),
                    MisclassifiedSamples::merge, treeDepth(blocks.getNumPartitions()));
        } finally {
            weights.destroy();
        }
    }

    private static org.apache.spark.api.java.function.Function2<MisclassifiedSamples, SampleBlock, MisclassifiedSamples>
            misclassifiedFold(NetworkShape shape, Broadcast<float[]> weights) {
        return (acc, block) -> acc.add(block, shape, weights.value());
    }
}
