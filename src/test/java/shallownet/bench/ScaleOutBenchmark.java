package shallownet.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.SerializerInstance;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import shallownet.data.BlockRdds;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.train.GradientSum;
import shallownet.train.MinibatchOrder;
import shallownet.train.SparkBackend;

/**
 * The parts of a step's cost that the scale-out model (docs/scaling.md) is made of, measured on
 * real MNIST, and the model checked against steps measured with 1 to 4 executors:
 * <pre>
 *   java ... shallownet.bench.ScaleOutBenchmark [--only grouping,parts,cores,executors] [--steps N]
 * </pre>
 * Sections: {@code grouping} (one task per executor against one per core, local[2], 2 and 16
 * partitions, in turns); {@code parts} (the job floor, the cost per task, the kernel, the partial's
 * size and the driver's cost per partial, a shuffle level); {@code cores} (local[8] with 16
 * partitions against local[2] with 2, contexts in turns); {@code executors} (local-cluster with 1-4
 * executors of one core: measured step against the model's prediction from the parts).
 */
public final class ScaleOutBenchmark {

    private static final NetworkShape SHAPE = new NetworkShape(784, 64, 10);
    private static final int B = 100;

    private final int steps;
    private final Set<String> only;
    private final Map<String, Double> parts = new LinkedHashMap<>();

    private ScaleOutBenchmark(int steps, Set<String> only) {
        this.steps = steps;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int steps = a.contains("--steps") ? Integer.parseInt(a.get(a.indexOf("--steps") + 1)) : 200;
        Set<String> only = a.contains("--only") ? Set.of(a.get(a.indexOf("--only") + 1).split(",")) : Set.of();
        new ScaleOutBenchmark(steps, only).run();
    }

    private boolean runs(String section) {
        return only.isEmpty() || only.contains(section);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "scale-out benchmark: %d steps per figure, B=%d, %d cores, Java %s%n", steps, B,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        if (runs("grouping")) {
            grouping();
        }
        if (runs("parts") || runs("executors")) {
            parts();
        }
        if (runs("cores")) {
            cores();
        }
        if (runs("executors")) {
            executors();
        }
    }

    // ---- contexts and data ------------------------------------------------------------------

    private static JavaSparkContext start(String master) throws Exception {
        SparkConf conf = new SparkConf().setAppName("shallownet scale-out benchmark").setMaster(master);
        Benchmark.loadProjectSparkDefaults(conf);
        conf.set("spark.ui.enabled", "false");
        if (!master.startsWith("local[")) {
            conf.setJars(new String[] {Benchmark.benchJar().toString()});
        }
        return new JavaSparkContext(conf);
    }

    private static LabeledIdxFiles trainFiles(JavaSparkContext sc) throws Exception {
        Configuration hadoop = sc.hadoopConfiguration();
        return DataDirectory.train(hadoop, Benchmark.mnistDir(), 10);
    }

    private static JavaRDD<SampleBlock> cached(JavaSparkContext sc, LabeledIdxFiles files, int partitions) {
        JavaRDD<SampleBlock> rdd = BlockRdds.load(sc, files, partitions, "training set, " + partitions + " partitions");
        rdd.count();
        return rdd;
    }

    /** Step times of each backend, in turns by blocks of 10 steps (load weighs on all alike). */
    private long[][] inTurns(List<SparkBackend> backends, int count, int warm, int n) {
        int[] order = MinibatchOrder.permutation(1, 1, n);
        float[] weights = WeightInit.initShallow(SHAPE, 1);
        long[][] t = new long[backends.size()][count];
        int block = 10;
        for (int i0 = -warm; i0 < count; i0 += block) {
            for (int k = 0; k < backends.size(); k++) {
                for (int i = i0; i < Math.min(i0 + block, count); i++) {
                    int l = Math.floorMod(i, n / B);
                    int[] batch = Arrays.copyOfRange(order, l * B, l * B + B);
                    long t0 = System.nanoTime();
                    backends.get(k).gradientSum(weights, batch, "scale-out step");
                    if (i >= 0) {
                        t[k][i] = System.nanoTime() - t0;
                    }
                }
            }
        }
        return t;
    }

    private static String ms(long[] t) {
        return String.format(Locale.ROOT, "median %.2f ms, p90 %.2f ms", Benchmark.median(t), Benchmark.p90(t));
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    // ---- one task per executor or per core ------------------------------------------------

    private void grouping() throws Exception {
        JavaSparkContext sc = start("local[2]");
        try {
            LabeledIdxFiles files = trainFiles(sc);
            List<SparkBackend> backends = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int p : new int[] {2, 16}) {
                JavaRDD<SampleBlock> train = cached(sc, files, p);
                for (SparkBackend.Grouping g : SparkBackend.Grouping.values()) {
                    backends.add(new SparkBackend(sc, SHAPE, train, files.count(), null).grouping(g));
                    names.add(p + " partitions, " + g);
                }
            }
            System.out.printf(Locale.ROOT, "grouping (local[2], in turns, load %.2f):%n", load());
            long[][] t = inTurns(backends, steps, 50, files.count());
            for (int k = 0; k < t.length; k++) {
                System.out.printf(Locale.ROOT, "  %-28s %d tasks: step %s%n", names.get(k), backends.get(k).tasksPerStep(),
                        ms(t[k]));
            }
        } finally {
            sc.stop();
        }
    }

    // ---- the parts of the model -----------------------------------------------------------

    /** A task that returns 4 bytes and carries the weights, as a step's task does: Spark alone. */
    private static final class NoOpTask extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Object>, Integer>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final float[] weights;

        NoOpTask(float[] weights) {
            this.weights = weights;
        }

        @Override
        public Integer apply(scala.collection.Iterator<Object> it) {
            return weights.length;
        }
    }

    /** The same, returning an array of a partial's size (the exact sum's longs) instead of 4 bytes. */
    private static final class PartialSizedTask
            extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Object>, long[]>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final float[] weights;

        PartialSizedTask(float[] weights) {
            this.weights = weights;
        }

        @Override
        public long[] apply(scala.collection.Iterator<Object> it) {
            long[] partial = new long[weights.length];
            partial[0] = 1;
            return partial;
        }
    }

    /** Median of {@code count} no-op jobs of {@code tasks} tasks (after 50 warm-up), ms. */
    private static double noOpJob(JavaSparkContext sc, int tasks, int count) {
        @SuppressWarnings("unchecked")
        JavaRDD<Object> rdd = (JavaRDD<Object>) (JavaRDD<?>) sc.parallelize(
                IntStream.range(0, tasks).boxed().collect(Collectors.toList()), tasks);
        NoOpTask task = new NoOpTask(WeightInit.initShallow(SHAPE, 1));
        @SuppressWarnings("unchecked")
        ClassTag<Integer> tag = (ClassTag<Integer>) (ClassTag<?>) ClassTag$.MODULE$.apply(Integer.class);
        long[] t = new long[count];
        for (int i = -50; i < count; i++) {
            long t0 = System.nanoTime();
            sc.sc().runJob(rdd.rdd(), task, tag);
            if (i >= 0) {
                t[i] = System.nanoTime() - t0;
            }
        }
        return Benchmark.median(t);
    }

    private void parts() throws Exception {
        JavaSparkContext sc = start("local[2]");
        try {
            LabeledIdxFiles files = trainFiles(sc);
            JavaRDD<SampleBlock> train = cached(sc, files, 2);
            System.out.printf(Locale.ROOT, "parts (local[2], 2 partitions, load %.2f):%n", load());
            // The job floor and the scheduler's cost per task: no-op jobs of 1-16 tasks.
            int[] taskCounts = {1, 2, 4, 8, 16};
            double[] floor = new double[taskCounts.length];
            for (int k = 0; k < taskCounts.length; k++) {
                floor[k] = noOpJob(sc, taskCounts[k], steps);
                System.out.printf(Locale.ROOT, "  no-op job, %2d tasks (weights in the task): median %.2f ms%n",
                        taskCounts[k], floor[k]);
            }
            double perTask = slope(taskCounts, floor);
            parts.put("job_ms", floor[0] - perTask);
            parts.put("per_task_ms", perTask);
            System.out.printf(Locale.ROOT, "  job fixed cost J %.2f ms, cost per task (least squares, 1-16) %.3f ms%n",
                    floor[0] - perTask, perTask);

            // The step, its kernel, a shuffle level.
            SparkBackend step = new SparkBackend(sc, SHAPE, train, files.count(), null);
            SparkBackend perCore1 = new SparkBackend(sc, SHAPE, train, files.count(), null)
                    .grouping(SparkBackend.Grouping.PER_CORE).treeDepth(1);
            SparkBackend perCore2 = new SparkBackend(sc, SHAPE, train, files.count(), null)
                    .grouping(SparkBackend.Grouping.PER_CORE).treeDepth(2);
            long[][] t = inTurns(List.of(step, perCore1, perCore2), steps, 50, files.count());
            long[] kernel = new long[steps];
            int[] order = MinibatchOrder.permutation(1, 2, files.count());
            float[] weights = WeightInit.initShallow(SHAPE, 1);
            GradientSum partial = null;
            for (int i = 0; i < steps; i++) {
                int l = i % (files.count() / B);
                partial = step.gradientSum(weights, Arrays.copyOfRange(order, l * B, l * B + B), "kernel");
                kernel[i] = step.lastKernelNanos();
            }
            double kernelMsPerStep = Benchmark.median(kernel);
            // 2 B P for the forward products, 4 B P for the two backward ones; each thread has B/2 samples.
            double gflops = 6.0 * (B / 2.0) * SHAPE.parameterCount() / (kernelMsPerStep / 1e3) / 1e9;
            parts.put("step_local_ms", Benchmark.median(t[0]));
            parts.put("kernel_ms", kernelMsPerStep);
            parts.put("level_ms", Benchmark.median(t[2]) - Benchmark.median(t[1]));
            System.out.printf(Locale.ROOT, "  step, one task per executor: %s%n", ms(t[0]));
            System.out.printf(Locale.ROOT, "  kernel of the slowest partition (B/2 samples): median %.3f ms = %.1f GFLOP/s "
                    + "per thread%n", kernelMsPerStep, gflops);
            System.out.printf(Locale.ROOT, "  one task per core, depth 1: %s; depth 2: %s; a shuffle level L %.2f ms%n",
                    ms(t[1]), ms(t[2]), parts.get("level_ms"));

            // The partial the driver receives, and what taking one costs it.
            SerializerInstance ser = SparkEnv.get().serializer().newInstance();
            ClassTag<GradientSum> tag = ClassTag$.MODULE$.apply(GradientSum.class);
            ByteBuffer bytes = ser.serialize(partial, tag);
            int size = bytes.remaining();
            byte[] copy = new byte[size];
            bytes.duplicate().get(copy);
            int n = 400;
            long[] deser = new long[n];
            long[] merge = new long[n];
            GradientSum acc = ser.deserialize(ByteBuffer.wrap(copy), tag);
            for (int i = -100; i < n; i++) {
                long t0 = System.nanoTime();
                GradientSum p = ser.deserialize(ByteBuffer.wrap(copy), tag);
                long t1 = System.nanoTime();
                acc = acc.merge(p);
                if (i >= 0) {
                    deser[i] = t1 - t0;
                    merge[i] = System.nanoTime() - t1;
                }
            }
            parts.put("partial_bytes", (double) size);
            parts.put("deserialise_ms", Benchmark.median(deser));
            parts.put("merge_ms", Benchmark.median(merge));
            System.out.printf(Locale.ROOT, "  a partial: %d bytes (%s, %d parameters); the driver deserialises one in "
                            + "median %.3f ms and merges it in %.3f ms%n", size,
                    SparkEnv.get().serializer().getClass().getSimpleName(), SHAPE.parameterCount(),
                    Benchmark.median(deser), Benchmark.median(merge));
            double m = parts.get("deserialise_ms") + parts.get("merge_ms");
            double l = parts.get("level_ms");
            System.out.printf(Locale.ROOT, "  depth 2 pays when n m > L + 2 sqrt(n) m: from n = %d partials (m %.3f ms, "
                    + "L %.2f ms)%n", crossover(m, l), m, l);
        } finally {
            sc.stop();
        }
    }

    /** The smallest partial count n at which depth 2 costs the driver less than depth 1. */
    static int crossover(double perPartial, double level) {
        for (int n = 2; n < 1_000_000; n++) {
            if (n * perPartial > level + 2 * Math.sqrt(n) * perPartial) {
                return n;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Least-squares slope of y over x. */
    static double slope(int[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return num / den;
    }

    // ---- more cores in one executor --------------------------------------------------------

    private void cores() throws Exception {
        String[] masters = {"local[2]", "local[8]"};
        int[] partitions = {2, 16};
        int rounds = 3;
        int per = Math.max(20, steps / rounds);
        long[][] t = new long[2][per * rounds];
        double loadStart = load();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                JavaSparkContext sc = start(masters[k]);
                try {
                    LabeledIdxFiles files = trainFiles(sc);
                    JavaRDD<SampleBlock> train = cached(sc, files, partitions[k]);
                    SparkBackend backend = new SparkBackend(sc, SHAPE, train, files.count(), null);
                    long[] one = inTurns(List.of(backend), per, 50, files.count())[0];
                    System.arraycopy(one, 0, t[k], r * per, per);
                } finally {
                    sc.stop();
                }
            }
        }
        double ratio = Benchmark.median(t[1]) / Benchmark.median(t[0]);
        System.out.printf(Locale.ROOT, "cores (contexts in turns, %d rounds of %d steps, load %.2f to %.2f):%n", rounds, per,
                loadStart, load());
        System.out.printf(Locale.ROOT, "  local[2], 2 partitions:  %s%n", ms(t[0]));
        System.out.printf(Locale.ROOT, "  local[8], 16 partitions: %s = %.2f x local[2]'s (target <= 1.3 x)%n", ms(t[1]),
                ratio);
    }

    // ---- 1 to 4 executors ------------------------------------------------------------------

    /**
     * The model (docs/scaling.md) for E executors of one core on this machine of C cores:
     * {@code step = J + E (tau + x + merge) + F + (E - 1) f + k B / min(E, C)}: J, tau, merge and
     * k (kernel per sample per thread) measured in local mode; F (the first remote executor: task
     * fetch, remote launch) and f (each further one: here its JVM shares the machine's cores with
     * the others and the driver) from no-op jobs with 1 and 2 executors; x (a partial's
     * serialisation, transfer and deserialisation) from 1 executor.
     */
    double predict(int executors) {
        int machine = Runtime.getRuntime().availableProcessors();
        double kernelPerSample = parts.get("kernel_ms") / (B / 2.0);
        return parts.get("job_ms") + executors * (parts.get("per_task_ms") + parts.get("transfer_ms")
                + parts.get("merge_ms")) + parts.get("fetch_ms") + (executors - 1) * parts.get("per_executor_ms")
                + kernelPerSample * B / Math.min(executors, machine);
    }

    /**
     * The model on a cluster of E executors of {@code cores} cores (their own machines), for P
     * parameters and a minibatch of B, merged by a tree of {@code depth}. Per-partial costs, the
     * kernel and the task's weights scale with P from the parts measured here; the driver sends the
     * task (4 P bytes of weights) to every executor at the bandwidth the partial's transfer showed.
     */
    double predictCluster(int executors, int cores, long batch, long params, int depth) {
        double scale = params / (double) SHAPE.parameterCount();
        double perPartial = (parts.get("transfer_ms") + parts.get("merge_ms")) * scale;
        double bytesPerMs = parts.get("partial_bytes") / parts.get("transfer_ms");
        double kernelPerSample = parts.get("kernel_ms") / (B / 2.0) * scale;
        double tau = parts.get("per_task_ms");
        double step = parts.get("job_ms") + executors * tau + parts.get("fetch_ms")
                + executors * 4.0 * params / bytesPerMs;
        long samplesPerExecutor = (batch + executors - 1) / executors;
        step += kernelPerSample * Math.ceil(samplesPerExecutor / (double) cores);
        int n = executors;
        int s = shallownet.train.AggregationTree.scale(n, depth);
        for (int level = 1; level < depth && n > 1; level++) {
            int next = (n + s - 1) / s;
            // A shuffle stage: its fixed cost, its tasks launched by the driver, and each reducer's s partials in parallel.
            step += parts.get("level_ms") + next * tau + s * perPartial;
            n = next;
        }
        return step + n * perPartial;
    }

    private void predictions() {
        System.out.println("model on a cluster (executors of 16 cores on their own machines), step in ms:");
        System.out.println("  params     B      E  depth 1   depth 2   depth 3");
        for (long params : new long[] {SHAPE.parameterCount(), 10_000_000L}) {
            for (long batch : new long[] {100, 1000, 10_000}) {
                for (int e : new int[] {1, 10, 100, 1000}) {
                    System.out.printf(Locale.ROOT, "  %-9d %6d %5d %9.1f %9.1f %9.1f%n", params, batch, e,
                            predictCluster(e, 16, batch, params, 1), predictCluster(e, 16, batch, params, 2),
                            predictCluster(e, 16, batch, params, 3));
                }
            }
        }
    }

    /** Jobs of a kind, for {@link #inTurns(List, int)}. */
    private interface Job {
        void run(int i);
    }

    /** Each job's times, in turns by blocks of 10 after {@code warm} of each. */
    private static long[][] inTurns(List<Job> jobs, int count, int warm) {
        long[][] t = new long[jobs.size()][count];
        for (int i0 = -warm; i0 < count; i0 += 10) {
            for (int k = 0; k < jobs.size(); k++) {
                for (int i = i0; i < Math.min(i0 + 10, count); i++) {
                    long t0 = System.nanoTime();
                    jobs.get(k).run(i);
                    if (i >= 0) {
                        t[k][i] = System.nanoTime() - t0;
                    }
                }
            }
        }
        return t;
    }

    private void executors() throws Exception {
        System.out.printf(Locale.ROOT, "executors (local-cluster[E,1,1024], 2 partitions per executor, load %.2f):%n",
                load());
        double[] noOps = new double[5];
        double[] stepsMs = new double[5];
        for (int e = 1; e <= 4; e++) {
            JavaSparkContext sc = start("local-cluster[" + e + ",1,1024]");
            try {
                // Wait for every executor: a step before they register runs on fewer.
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (sc.sc().getExecutorMemoryStatus().size() < e + 1 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                LabeledIdxFiles files = trainFiles(sc);
                JavaRDD<SampleBlock> train = cached(sc, files, 2 * e);
                SparkBackend backend = new SparkBackend(sc, SHAPE, train, files.count(), null);
                @SuppressWarnings("unchecked")
                JavaRDD<Object> tasks = (JavaRDD<Object>) (JavaRDD<?>) sc.parallelize(
                        IntStream.range(0, e).boxed().collect(Collectors.toList()), e);
                NoOpTask noOp = new NoOpTask(WeightInit.initShallow(SHAPE, 1));
                PartialSizedTask sized = new PartialSizedTask(WeightInit.initShallow(SHAPE, 1));
                @SuppressWarnings("unchecked")
                ClassTag<Integer> intTag = (ClassTag<Integer>) (ClassTag<?>) ClassTag$.MODULE$.apply(Integer.class);
                ClassTag<long[]> longsTag = ClassTag$.MODULE$.apply(long[].class);
                int[] order = MinibatchOrder.permutation(1, 1, files.count());
                float[] weights = WeightInit.initShallow(SHAPE, 1);
                long[][] t = inTurns(List.of(
                        i -> sc.sc().runJob(tasks.rdd(), noOp, intTag),
                        i -> sc.sc().runJob(tasks.rdd(), sized, longsTag),
                        i -> {
                            int l = Math.floorMod(i, files.count() / B);
                            backend.gradientSum(weights, Arrays.copyOfRange(order, l * B, l * B + B), "step");
                        }), steps, 100);
                noOps[e] = Benchmark.median(t[0]);
                stepsMs[e] = Benchmark.median(t[2]);
                if (e == 1) {
                    // What one remote executor adds to a local no-op job of one task, and what its partial adds.
                    parts.put("fetch_ms", noOps[1] - (parts.get("job_ms") + parts.get("per_task_ms")));
                    parts.put("transfer_ms", Benchmark.median(t[1]) - noOps[1]);
                }
                if (e == 2) {
                    parts.put("per_executor_ms", noOps[2] - noOps[1] - parts.get("per_task_ms"));
                }
                System.out.printf(Locale.ROOT, "  %d executor(s), %d task(s) per step: no-op job %s; with a "
                        + "partial-sized result %s; step %s%n", e, backend.tasksPerStep(), ms(t[0]), ms(t[1]), ms(t[2]));
            } finally {
                sc.stop();
            }
        }
        System.out.printf(Locale.ROOT, "  parts from the clusters: F (1 executor's no-op job - local's) %.2f ms; f (2 "
                        + "executors' - 1's - tau) %.2f ms; x (a partial-sized result - the no-op, 1 executor) %.2f ms%n",
                parts.get("fetch_ms"), parts.get("per_executor_ms"), parts.get("transfer_ms"));
        for (int e = 1; e <= 4; e++) {
            double predicted = predict(e);
            System.out.printf(Locale.ROOT, "  model for %d executor(s): %.2f ms against %.2f ms measured (%+.0f %%)%s%n",
                    e, predicted, stepsMs[e], 100 * (predicted - stepsMs[e]) / stepsMs[e],
                    e <= 2 ? "" : " (not used to set the parts)");
        }
        System.out.println("parts: " + parts);
        predictions();
    }
}
