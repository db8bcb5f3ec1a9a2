package shallownet.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import shallownet.data.LabeledBlock;
import shallownet.data.SampleBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;

/**
 * The distributed driver around the folds ({@link GradientSum}, {@link SplitSums},
 * {@link MisclassifiedSamples}), after MLlib's {@code RDDLossFunction}: every job (a training
 * step, an evaluation) sends the weights, folds each partition's blocks into one partial result,
 * and sums the partials as a tree. All of them go through {@link #aggregate}. Only data and
 * weights move here; the math is in the kernel.
 *
 * <p>The tree is depth 1 unless there are many tasks: {@code SparkContext.runJob} with a Java
 * function per task and a result handler that merges each partial on the driver as it arrives.
 * That is exactly {@code treeAggregate(depth = 1)} without its per-call {@code mapPartitions} RDD
 * and Scala closures, which Spark's ClosureCleaner walks on every call: measured side by side
 * (local[2], 2 cached partitions, 400 jobs after 50 warm-up), broadcast + {@code treeAggregate}
 * 19.7-21.0 ms median vs broadcast + {@code runJob} 12.3-12.7 ms.
 */
public final class SparkBackend implements TrainingBackend {

    /**
     * How the weights reach the tasks: inside the task (the default) or as an explicit broadcast.
     * Inside the task they travel with the task binary, which Spark broadcasts for every job anyway:
     * on a cluster one fetch per executor per step instead of two, and no broadcast to create and
     * destroy on the driver. Measured with the benchmark's step breakdown ({@code --only breakdown},
     * consecutive steps, the two in turns by blocks, B=100, 2 partitions, machine shared with other
     * builds): on the 2-Worker standalone cluster 81.9 ms per step in the task vs 122.2 ms broadcast
     * (0.67 x: the broadcast cost 20.7 ms to create and 28 ms to fetch in the task's run time); in
     * local[2] 39.0 vs 44.2 ms (0.88 x). The driver's {@code -Dshallownet.weights=broadcast}
     * switches back.
     */
    static final boolean WEIGHTS_IN_TASK_DEFAULT = !"broadcast".equals(System.getProperty("shallownet.weights"));

    private final JavaSparkContext sc;
    private final NetworkShape shape;
    private Blocks<LabeledBlock> train;
    private Blocks<LabeledBlock> test;
    private final int trainCount;
    private boolean weightsInTask = WEIGHTS_IN_TASK_DEFAULT;
    private long lastKernelNanos;
    private double maxAbsInput = 1.0;
    private int treeDepth;

    /** {@code train} and {@code test} should be cached; {@code trainCount} is the training set size. */
    public SparkBackend(JavaSparkContext sc, NetworkShape shape, JavaRDD<? extends LabeledBlock> train, int trainCount,
                        JavaRDD<? extends LabeledBlock> test) {
        this.sc = sc;
        this.shape = shape;
        this.train = new Blocks<>(sc, blocks(train));
        this.test = test == null ? null : new Blocks<>(sc, blocks(test));
        this.trainCount = trainCount;
        this.treeDepth = AggregationTree.parse(sc.getConf().get(AggregationTree.CONF_KEY, "auto"));
    }

    /** Either kind of block as the general type: safe, since an RDD is never written to. */
    @SuppressWarnings("unchecked")
    private static JavaRDD<LabeledBlock> blocks(JavaRDD<? extends LabeledBlock> rdd) {
        return (JavaRDD<LabeledBlock>) rdd;
    }

    /**
     * The depth of the merge tree (see {@link AggregationTree}) for steps and evaluations of this
     * backend: {@link AggregationTree#AUTO} (the default) or 1-3. Read from the context's
     * {@value AggregationTree#CONF_KEY} when the backend is made.
     */
    public SparkBackend treeDepth(int depth) {
        if (depth != AggregationTree.AUTO && (depth < 1 || depth > AggregationTree.MAX_DEPTH)) {
            throw new IllegalArgumentException("tree depth must be auto, 1, 2 or 3, not " + depth);
        }
        this.treeDepth = depth;
        return this;
    }

    /** Groups the cached partitions into tasks as {@code grouping} says (tests and the benchmark compare them). */
    public SparkBackend grouping(Grouping grouping) {
        this.train = new Blocks<>(sc, train.rdd, grouping);
        this.test = test == null ? null : new Blocks<>(sc, test.rdd, grouping);
        return this;
    }

    /** Tasks of a job over the training set: one per executor by default. */
    public int tasksPerStep() {
        return train.tasks;
    }

    /** The depth a job of this backend's training set runs with. */
    public int treeDepthOfSteps() {
        return AggregationTree.depthFor(treeDepth, train.tasks);
    }

    /** Sends the weights inside each task rather than as an explicit broadcast (steps and evaluations of this backend). */
    public SparkBackend weightsInTask(boolean inTask) {
        this.weightsInTask = inTask;
        return this;
    }

    /** The largest magnitude of a training input (default 1: MNIST's scaled pixels); see {@link TrainingBackend#maxAbsInput}. */
    public SparkBackend maxAbsInput(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("not a finite input magnitude: " + value);
        }
        this.maxAbsInput = value;
        return this;
    }

    @Override
    public double maxAbsInput() {
        return maxAbsInput;
    }

    /**
     * A step's binary points ({@link ExactSum#forStep}); a step whose bound is not finite (weights
     * or inputs beyond what float32 can carry through the network) fails here, before any job.
     */
    static ExactSum stepPoints(NetworkShape shape, float[] params, double maxAbsInput, long samples, String description) {
        ExactSum points = ExactSum.forStep(shape, params, maxAbsInput, samples);
        if (points == null) {
            float w = maxAbs(params);
            if (!Float.isFinite(w)) {
                throw new DivergedException(shallownet.SettingWords.of("training diverged before " + description
                        + ": the weights are no longer finite; lower ", shallownet.SettingWords.setting("learningRate"),
                        "; nothing was saved or promoted"));
            }
            throw new GradientRangeException(shallownet.SettingWords.of(description + ": the minibatch gradient "
                    + "cannot be bounded in float32: the inputs reach " + maxAbsInput + " and the weights " + w
                    + "; scale the features to about [-1, 1] or lower ", shallownet.SettingWords.setting("learningRate")),
                    "bound not finite");
        }
        return points;
    }

    static float maxAbs(float[] params) {
        float m = 0;
        for (float p : params) {
            m = Math.max(m, Math.abs(p));
        }
        return m;
    }

    /** Kernel time of the last step's slowest task (the rest of the step is Spark's). */
    public long lastKernelNanos() {
        return lastKernelNanos;
    }

    @Override
    public int trainCount() {
        return trainCount;
    }

    @Override
    public GradientSum gradientSum(float[] params, int[] batch, String description) {
        ExactSum points = stepPoints(shape, params, maxAbsInput, batch == null ? trainCount : batch.length, description);
        GradientSum sum = aggregate(sc, shape, train, params, weightsInTask, treeDepth, () -> new GradientSum(points), batch,
                description);
        if (sum.isEmpty()) {
            throw new IllegalStateException(description + ": no partition held any sample of the step");
        }
        lastKernelNanos = sum.kernelNanos();
        return sum;
    }

    @Override
    public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
        int classes = shape.outputs();
        return aggregate(sc, shape, train, params, weightsInTask, treeDepth,
                () -> SplitSums.empty(classes, validation != null), validation, description);
    }

    @Override
    public EvalSums evaluateTest(float[] params, String description) {
        int classes = shape.outputs();
        return aggregate(sc, shape, test, params, weightsInTask, treeDepth, () -> SplitSums.all(classes), null, description)
                .train();
    }

    /** Loss, errors and confusion counts of {@code params} over all samples of {@code blocks}. */
    public static EvalSums evaluate(JavaSparkContext sc, NetworkShape shape, JavaRDD<? extends LabeledBlock> rdd,
                                    float[] params, String description) {
        int classes = shape.outputs();
        return aggregate(sc, shape, new Blocks<>(sc, blocks(rdd)), params, WEIGHTS_IN_TASK_DEFAULT, confDepth(sc),
                () -> SplitSums.all(classes), null, description).train();
    }

    /**
     * The first {@code limit} misclassified samples of {@code blocks} (by index) at {@code params},
     * with their pixels: the grid of the training report. One pass, only the kept samples move.
     */
    public static MisclassifiedSamples misclassified(JavaSparkContext sc, NetworkShape shape,
                                                     JavaRDD<SampleBlock> blocks, float[] params, int limit,
                                                     String description) {
        return aggregate(sc, shape, new Blocks<>(sc, blocks), params, WEIGHTS_IN_TASK_DEFAULT, confDepth(sc),
                () -> new MisclassifiedSamples(limit), null, description);
    }

    private static int confDepth(JavaSparkContext sc) {
        return AggregationTree.parse(sc.getConf().get(AggregationTree.CONF_KEY, "auto"));
    }

    /**
     * Cached blocks as the jobs run over them: each task takes the whole cached partitions of a
     * group ({@code glom}, so a task knows where one partition ends), one group per executor
     * ({@link ExecutorGroups}: the partitions cached on one executor), whose task folds them on the
     * executor's cores. So the driver receives and merges one partial per executor, whatever the
     * partition and core counts; a partition's blocks are still folded alone and merged with the
     * fold's {@code merge}, so the result is that of one task per partition (for the gradient: to
     * the bit). Built once per data set.
     *
     * <p>Measured (local mode, one executor): see {@link #GROUPING_DEFAULT}. Earlier, side by side
     * in turns (local[2], B=100, 150 steps each, loaded machine): 16 partitions with one task per
     * partition cost 2.06 x 2 partitions' step; grouped per core, each partition merged exactly,
     * 1.27 x; grouped with one float partial per task (blocks summed in float across the task's
     * partitions) 1.03 x, but its bits depend on which partitions share a task, which follows where
     * they are cached: not reproducible from run to run on a cluster. So partitions are merged
     * exactly.
     */
    static final class Blocks<B> {
        final JavaRDD<B> rdd;
        private final JavaRDD<List<B>> whole;
        private final JavaSparkContext sc;
        private final Grouping grouping;
        /** Executor comings and goings (null in local mode, whose one executor never changes), and the count grouped for. */
        private final java.util.concurrent.atomic.AtomicLong changes;
        private long groupedAt;
        JavaRDD<List<B>> groups;
        int tasks;
        /** Threads a task folds its partitions on: 0 to take the executor's cores (a cluster). */
        final int threadsPerTask;

        Blocks(JavaSparkContext sc, JavaRDD<B> rdd) {
            this(sc, rdd, GROUPING_DEFAULT);
        }

        Blocks(JavaSparkContext sc, JavaRDD<B> rdd, Grouping grouping) {
            this.sc = sc;
            this.rdd = rdd;
            this.grouping = grouping;
            this.whole = rdd.glom();
            boolean byExecutor = grouping == Grouping.PER_EXECUTOR && !sc.isLocal();
            this.changes = byExecutor ? ExecutorChanges.of(sc.sc()) : null;
            int cores = Math.max(1, sc.defaultParallelism());
            // Local mode is one executor (the driver) with local[N]'s N cores, never more threads than the machine's.
            this.threadsPerTask = grouping == Grouping.PER_CORE ? 1
                    : sc.isLocal() ? Math.min(cores, Runtime.getRuntime().availableProcessors()) : 0;
            group();
        }

        private void group() {
            int partitions = rdd.getNumPartitions();
            int cores = Math.max(1, sc.defaultParallelism());
            if (grouping == Grouping.PER_CORE) {
                groups = partitions > cores ? whole.coalesce(cores, false) : whole;
            } else if (changes == null) {
                groups = whole.coalesce(1, false);
            } else {
                groupedAt = changes.get();
                groups = ExecutorGroups.of(rdd, whole, cores);
            }
            tasks = groups.getNumPartitions();
        }

        /** These blocks, grouped again first if executors came or went since they were grouped. */
        synchronized Blocks<B> current() {
            if (changes != null && changes.get() != groupedAt) {
                group();
            }
            return this;
        }
    }

    /** How the cached partitions are grouped into a job's tasks. */
    public enum Grouping {
        /** One task per executor, folding the executor's partitions on its cores. */
        PER_EXECUTOR,
        /** One task per executor core (coalesced by location), folding its partitions in turn. */
        PER_CORE
    }

    /**
     * One task per executor. Measured against one task per core in local mode (ScaleOutBenchmark
     * {@code --only grouping}: local[2], B=100, 300 steps each in turns, load 3.65, 2026-12-03):
     * 2 partitions 6.63 ms median (1 task, 2 threads) vs 7.34 ms (2 tasks); 16 partitions 9.05 vs
     * 11.10 ms. On a cluster the task of an executor reads only the partitions cached there. The
     * driver's {@code -Dshallownet.tasks=per-core} switches back.
     */
    static final Grouping GROUPING_DEFAULT = "per-core".equals(System.getProperty("shallownet.tasks"))
            ? Grouping.PER_CORE : Grouping.PER_EXECUTOR;

    /**
     * The one aggregation path: sends {@code params} and the job's {@code inputs} (the minibatch,
     * the validation split) to the tasks, folds every cached partition of {@code blocks} into a new
     * {@code empty} fold with them and merges the partials through a tree of {@code depth}
     * ({@link AggregationTree#AUTO} or 1-3). Depth 1: the result handler of {@code runJob} merges
     * each task's partial on the driver as it arrives. It runs on the scheduler's event thread, in
     * the order tasks finish; the folds' merges do not depend on that order (the gradient's is
     * exact in fixed point), and the handler and the read after {@code runJob} synchronise on the
     * same lock. Deeper trees add shuffle levels below that last merge ({@link AggregationTree}).
     */
    static <B, I, F extends BlockFold<B, I, F>> F aggregate(JavaSparkContext sc, NetworkShape shape,
                                                             Blocks<B> blocks, float[] params, boolean weightsInTask,
                                                             int depth, EmptyFold<F> empty, I inputs,
                                                             String description) {
        sc.setJobDescription(description);
        blocks.current();
        Broadcast<float[]> broadcast = weightsInTask ? null : sc.broadcast(params);
        try {
            FoldTask<B, I, F> task = new FoldTask<>(shape, broadcast, broadcast == null ? params : null, empty, inputs,
                    blocks.threadsPerTask);
            MergeOnDriver<F> merged = new MergeOnDriver<>();
            int levels = AggregationTree.depthFor(depth, blocks.tasks);
            if (levels > 1) {
                JavaRDD<F> partials = blocks.groups.mapPartitions(it -> AggregationTree.single(task.fold(it)));
                JavaRDD<F> top = AggregationTree.levels(partials, levels);
                sc.sc().runJob(top.rdd(), new MergeInTask<F>(), merged, anyRef());
            } else {
                sc.sc().runJob(blocks.groups.rdd(), task, merged, anyRef());
            }
            F result = merged.result();
            return result == null ? empty.get() : result;
        } finally {
            if (broadcast != null) {
                broadcast.destroy();
            }
        }
    }

    /** The top of a deeper tree: a task merges the partials that reached its partition (at most scale). */
    private static final class MergeInTask<F extends BlockFold<?, ?, F>>
            extends AbstractFunction2<TaskContext, Iterator<F>, F> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public F apply(TaskContext context, Iterator<F> partials) {
            F acc = null;
            while (partials.hasNext()) {
                F p = partials.next();
                acc = acc == null ? p : acc.merge(p);
            }
            return acc;
        }
    }

    @SuppressWarnings("unchecked")
    private static <F> ClassTag<F> anyRef() {
        return (ClassTag<F>) ClassTag$.MODULE$.AnyRef();
    }

    /**
     * What a task runs: each cached partition of its group folded alone into a fresh copy of the
     * empty fold, the partitions' folds merged. A plain Java class, not a closure, so Spark has
     * nothing to clean.
     */
    static final class FoldTask<B, I, F extends BlockFold<B, I, F>>
            extends AbstractFunction2<TaskContext, Iterator<List<B>>, F> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final NetworkShape shape;
        private final Broadcast<float[]> broadcast;
        private final float[] params;
        private final EmptyFold<F> empty;
        /** The job's inputs for every fold (serializable: an int[] or null). */
        private final I inputs;

        /** Threads to fold the task's partitions on (0: the executor's cores). */
        private final int threads;

        FoldTask(NetworkShape shape, Broadcast<float[]> broadcast, float[] params, EmptyFold<F> empty, I inputs,
                 int threads) {
            this.shape = shape;
            this.broadcast = broadcast;
            this.params = params;
            this.empty = empty;
            this.inputs = inputs;
            this.threads = threads;
        }

        @Override
        public F apply(TaskContext context, Iterator<List<B>> partitions) {
            List<List<B>> all = new ArrayList<>();
            while (partitions.hasNext()) {
                all.add(partitions.next());
            }
            return fold(all);
        }

        /** The partial of a group (null if it has no partition). */
        F fold(java.util.Iterator<List<B>> partitions) {
            List<List<B>> all = new ArrayList<>();
            partitions.forEachRemaining(all::add);
            return fold(all);
        }

        /**
         * Folds each partition alone, on up to {@code threads} threads of this JVM (the task's
         * own and pooled ones), each thread merging its partitions' partials as they are done.
         */
        F fold(List<List<B>> partitions) {
            int n = partitions.size();
            int t = Math.min(n, threads > 0 ? threads : PartitionThreads.executorCores());
            if (t <= 1) {
                F acc = null;
                for (List<B> partition : partitions) {
                    acc = foldPartition(acc, partition);
                }
                return acc;
            }
            return PartitionThreads.fold(partitions, t, p -> foldPartition(null, p), BlockFold::merge);
        }

        /** Folds one partition's blocks into a fresh fold and merges it into {@code acc} (null: none yet). */
        F foldPartition(F acc, List<B> partition) {
            float[] weights = broadcast != null ? broadcast.value() : params;
            F fold = empty.get().addAll(partition, shape, weights, inputs);
            return acc == null ? fold : acc.merge(fold);
        }
    }

    /** Makes a job's empty fold on the executor (its inputs are the task's, given to every add). */
    @FunctionalInterface
    interface EmptyFold<F> extends Serializable {
        F get();
    }

    /** The depth-1 tree: partials merged on the driver as tasks finish. */
    private static final class MergeOnDriver<F extends BlockFold<?, ?, F>> extends AbstractFunction2<Object, F, BoxedUnit> {
        private F acc;

        @Override
        public synchronized BoxedUnit apply(Object partition, F partial) {
            if (partial != null) {
                acc = acc == null ? partial : acc.merge(partial);
            }
            return BoxedUnit.UNIT;
        }

        synchronized F result() {
            return acc;
        }
    }
}
