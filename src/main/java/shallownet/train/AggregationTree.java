package shallownet.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * How a job's partials reach the driver: the depth of the merge tree. Depth 1 sends every task's
 * partial to the driver, which merges them as they arrive. Depth d adds d - 1 shuffle levels in
 * between, each merging groups of {@code scale = ceil(tasks^(1/d))} partials on the executors, so
 * the driver receives at most {@code scale} partials. Unlike {@code RDD.treeAggregate}, which adds
 * a level only when it saves more partials than the level has ({@code tasks > scale + tasks/scale},
 * so never below 9 tasks at depth 2), a requested level is always built: depth 2 and 3 are what
 * they say at any task count, and run in tests with a few tasks.
 *
 * <p>The merges are the folds' own (exact for the gradient), so every depth gives the same bits.
 */
public final class AggregationTree {

    /** The Spark configuration key of the depth: {@code auto}, 1, 2 or 3 (set by --tree-depth and the ML param). */
    public static final String CONF_KEY = "spark.shallownet.treeDepth";

    /** The deepest tree offered: three levels reach 1,000 executors with at most 10 partials per merge. */
    public static final int MAX_DEPTH = 3;

    /** {@code auto}: depth 1 up to {@link #AUTO_CROSSOVER_TASKS} tasks, else 2. */
    public static final int AUTO = 0;

    /**
     * Above this many partials per step the driver's merge costs more than a shuffle level: depth
     * 2 pays when {@code n m > L + 2 sqrt(n) m}, with m the driver's cost per partial and L what a
     * shuffle level adds to a step. Measured by ScaleOutBenchmark (2-core machine, load 3.2-3.5,
     * 2026-12-03): m = 1.53 ms on a cluster (a 407 KB partial's serialisation, transfer and
     * deserialisation 1.44 ms with one executor, its merge 0.09 ms), L = 17.3 ms (depth 2 against
     * depth 1 in local[2], 23.7 vs 6.4 ms): from n = 21. Local mode is one partial per step.
     */
    public static final int AUTO_CROSSOVER_TASKS = 21;

    private AggregationTree() {
    }

    /** Parses {@code auto}, 1, 2 or 3 (as the option and the configuration key take them) into a depth, AUTO for auto. */
    public static int parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "auto":
                return AUTO;
            case "1":
            case "2":
            case "3":
                return Integer.parseInt(v);
            default:
                throw new IllegalArgumentException("tree depth must be auto, 1, 2 or 3, not '" + value + "'");
        }
    }

    /** The depth a job of {@code tasks} tasks runs with, for a requested depth (AUTO, 1, 2 or 3). */
    public static int depthFor(int requested, int tasks) {
        if (requested != AUTO) {
            return requested;
        }
        return tasks > AUTO_CROSSOVER_TASKS ? 2 : 1;
    }

    /** Partials merged per tree node at {@code depth} for {@code tasks} partials: at least 2. */
    public static int scale(int tasks, int depth) {
        int s = (int) Math.ceil(Math.pow(tasks, 1.0 / depth) - 1e-9);
        return Math.max(2, s);
    }

    /**
     * Adds {@code depth - 1} merge levels above {@code partials} (one partition per task, holding
     * zero or one partial): each level merges groups of {@code scale} partials in a shuffle and
     * has {@code ceil(n / scale)} partitions. Stops early when one partial is left.
     */
    static <F extends BlockFold<?, ?, F>> JavaRDD<F> levels(JavaRDD<F> partials, int depth) {
        int n = partials.getNumPartitions();
        int scale = scale(n, depth);
        JavaRDD<F> level = partials;
        for (int l = 1; l < depth && n > 1; l++) {
            int next = (n + scale - 1) / scale;
            JavaPairRDD<Integer, F> keyed = level.mapPartitionsWithIndex((index, it) -> {
                List<Tuple2<Integer, F>> out = new ArrayList<>(1);
                while (it.hasNext()) {
                    out.add(new Tuple2<>(index % next, it.next()));
                }
                return out.iterator();
            }, true).mapToPair(t -> t);
            level = keyed.reduceByKey(BlockFold::merge, next).values();
            n = next;
        }
        return level;
    }

    /** A task's iterator of zero or one partial. */
    static <F> java.util.Iterator<F> single(F partial) {
        return partial == null ? Collections.emptyIterator() : Collections.singletonList(partial).iterator();
    }
}
