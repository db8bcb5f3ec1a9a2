package shallownet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import shallownet.train.Preset;
import shallownet.data.BlockRdds;
import shallownet.data.BlockReader;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.train.GradientSum;
import shallownet.train.MinibatchOrder;
import shallownet.train.SparkBackend;
import shallownet.train.SplitSums;
import shallownet.train.Trainer;
import shallownet.train.TrainingBackend;
import shallownet.train.TrainingConfig;

/**
 * The benchmark table: Spark's per-job floor, this job's step (kernel and the rest), the kernel
 * alone (JMH), the seed recipe end to end, time to accuracy against MLlib's MLP, cached sizes and
 * scaling, all in one run with the same JVM settings and partitions. Run with
 * {@code mvn -Pbench verify} ({@code -Dbench.args=--quick} for the short version). Figures go to
 * stdout and, as JSON, to {@code target/bench/}.
 */
public final class Benchmark {

    private static final NetworkShape SHAPE = new NetworkShape(784, 64, 10);
    private static final double MLLIB_REFERENCE_ACCURACY = 96.28;

    private final boolean quick;
    private final int partitions;
    /** The sections to run (--only a,b; all when empty): kernel, step, seed, accuracy, sizes, scaling, partitions, datasize. */
    private final Set<String> only;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private JavaSparkContext sc;
    private LabeledIdxFiles trainFiles;
    private LabeledIdxFiles testFiles;
    private JavaRDD<SampleBlock> train;
    private JavaRDD<SampleBlock> test;

    private Benchmark(boolean quick, int partitions, Set<String> only) {
        this.quick = quick;
        this.partitions = partitions;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        int partitions = a.contains("--partitions") ? Integer.parseInt(a.get(a.indexOf("--partitions") + 1)) : 2;
        String master = a.contains("--master") ? a.get(a.indexOf("--master") + 1) : "local[2]";
        Set<String> only = a.contains("--only") ? Set.of(a.get(a.indexOf("--only") + 1).split(",")) : Set.of();
        // A secured cluster's settings (cluster.sh start writes them to DIR/spark-security.conf), as
        // submit.sh gives them to spark-submit.
        if (a.contains("--extra-properties-file")) {
            extraProperties = Path.of(a.get(a.indexOf("--extra-properties-file") + 1));
        }
        new Benchmark(quick, partitions, only).run(master);
    }

    private static Path extraProperties;

    private boolean runs(String section) {
        return only.isEmpty() || only.contains(section);
    }

    private int n(int full, int short_) {
        return quick ? short_ : full;
    }

    private void run(String master) throws Exception {
        long start = System.nanoTime();
        figures.put("date", Instant.now().toString());
        figures.put("mode", quick ? "quick" : "full");
        figures.put("master", master);
        figures.put("partitions", partitions);
        figures.put("java", System.getProperty("java.version"));
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("blas", NetworkKernel.blasImplementation());

        if (runs("kernel")) {
            kernel();
        }
        SparkConf conf = new SparkConf().setAppName("shallownet benchmark").setMaster(master);
        loadProjectSparkDefaults(conf);
        if (extraProperties != null) {
            Properties p = new Properties();
            try (InputStream in = new FileInputStream(extraProperties.toFile())) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> conf.set(k, p.getProperty(k).trim()));
            figures.put("extra_properties", new java.util.TreeSet<>(p.stringPropertyNames()).toString());
        }
        if (!master.startsWith("local")) {
            // Executors of a cluster need this project's classes and the benchmark's own tasks.
            conf.setJars(new String[] {benchJar().toString()});
        }
        sc = new JavaSparkContext(conf);
        figures.put("spark", sc.version());
        try {
            String dir = mnistDir();
            Configuration hadoop = sc.hadoopConfiguration();
            trainFiles = DataDirectory.train(hadoop, dir, 10);
            testFiles = DataDirectory.test(hadoop, dir, 10);
            train = BlockRdds.load(sc, trainFiles, partitions, "training set");
            test = BlockRdds.load(sc, testFiles, partitions, "test set");
            train.count();
            test.count();
            if (runs("step")) {
                floorAndStep();
            }
            if (runs("breakdown")) {
                stepBreakdown();
            }
            if (runs("seed")) {
                seedRecipe();
            }
            if (runs("submit")) {
                seedRecipeFromSubmit();
            }
            if (runs("accuracy") || runs("sizes")) {
                timeToAccuracy();
            }
            if (runs("sizes")) {
                cachedSizes();
            }
            if (runs("scaling")) {
                scaling();
            }
            if (runs("partitions")) {
                partitionSweep();
            }
            if (runs("datasize")) {
                dataSize();
            }
        } finally {
            sc.stop();
        }
        figures.put("benchmark_seconds", (System.nanoTime() - start) / 1e9);
        print();
        Path out = Path.of(System.getProperty("shallownet.project.dir", "."), "target", "bench");
        Files.createDirectories(out);
        Path file = out.resolve("bench-" + figures.get("mode") + "-" + Instant.now().toString().replace(":", "") + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures);
        System.out.println("figures written to " + file);
    }

    /** The same settings as submit.sh: conf/spark-defaults.conf. */
    static void loadProjectSparkDefaults(SparkConf conf) throws Exception {
        Path defaults = Path.of(System.getProperty("shallownet.project.dir", "."), "conf", "spark-defaults.conf");
        Properties p = new Properties();
        try (InputStream in = new FileInputStream(defaults.toFile())) {
            p.load(in);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("spark.") && !key.equals("spark.driver.memory")) {
                conf.set(key, p.getProperty(key).trim());
            }
        }
        // The job's own default (SparkOptions): a step's task binary in 256k broadcast blocks, not
        // Spark's 4m, each a G1 humongous allocation; a --extra-properties file may set another.
        conf.setIfMissing("spark.broadcast.blockSize", "256k");
    }

    /** A jar of target/classes and target/test-classes, for the executors of a cluster. */
    static Path benchJar() throws java.io.IOException {
        Path project = Path.of(System.getProperty("shallownet.project.dir", "."));
        Path jar = project.resolve("target/bench/benchmark-classes.jar");
        Files.createDirectories(jar.getParent());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (String dir : new String[] {"target/classes", "target/test-classes"}) {
                Path root = project.resolve(dir);
                try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                        String name = root.relativize(f).toString().replace('\\', '/');
                        if (names.add(name)) {
                            out.putNextEntry(new java.util.jar.JarEntry(name));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        return jar;
    }

    static String mnistDir() {
        for (String d : new String[] {System.getenv("SHALLOWNET_MNIST_DIR"), System.getProperty("shallownet.mnist.dir"), "data/mnist"}) {
            if (d != null && (Files.exists(Path.of(d, DataDirectory.TRAIN_IMAGES)) || Files.exists(Path.of(d, DataDirectory.TRAIN_IMAGES + ".gz")))) {
                return d;
            }
        }
        throw new IllegalStateException("no MNIST found: set SHALLOWNET_MNIST_DIR or run ./submit.sh fetch");
    }

    // ---- the kernel alone -------------------------------------------------------------------

    private void kernel() throws Exception {
        double[] b100 = jmhKernel(100, "java");
        double gflops = KernelBenchmark.flops(100) / (b100[0] * 1e6);
        figures.put("kernel_ms_per_minibatch_b100", b100[0]);
        figures.put("kernel_ms_error_99pct", b100[1]);
        figures.put("kernel_gflops", gflops);
        row("kernel alone (JMH, 1 thread, B=100 fwd+bwd)", String.format("%.3f ms +- %.3f; %.1f GFLOP/s", b100[0], b100[1], gflops),
                ">= 14 GFLOP/s");
        // --preset fast's minibatch: in local[2] each of the two tasks folds about half of it.
        double[] b250 = jmhKernel(250, "java");
        figures.put("kernel_ms_per_minibatch_b250", b250[0]);
        figures.put("kernel_gflops_b250", KernelBenchmark.flops(250) / (b250[0] * 1e6));
        row("kernel alone, B=250 (--preset fast)", String.format("%.3f ms +- %.3f; %.1f GFLOP/s", b250[0], b250[1],
                KernelBenchmark.flops(250) / (b250[0] * 1e6)), "");
        String nativeBlas = NativeBlasProbe.library();
        figures.put("native_blas", nativeBlas == null ? "none" : nativeBlas);
        if (nativeBlas == null) {
            row("kernel through native BLAS (netlib NativeBLAS)", "not measured: no libblas.so.3 loads here", "");
            return;
        }
        for (int b : new int[] {100, 250}) {
            double[] n = jmhKernel(b, "native");
            double java = b == 100 ? b100[0] : b250[0];
            figures.put("kernel_native_ms_b" + b, n[0]);
            // OpenBLAS's own threads (the fork inherits this environment) change its figure: say how many.
            String threads = System.getenv("OPENBLAS_NUM_THREADS");
            row("kernel through " + nativeBlas + ", B=" + b + ", OPENBLAS_NUM_THREADS=" + (threads == null ? "unset" : threads),
                    String.format("%.3f ms +- %.3f; %.1f GFLOP/s; %.2f x the Java kernel's time",
                    n[0], n[1], KernelBenchmark.flops(b) / (n[0] * 1e6), n[0] / java), "");
        }
    }

    /** KernelBenchmark in a JVM of its own: {mean ms, 99.9 % error}. */
    private double[] jmhKernel(int batch, String blas) throws Exception {
        String modules = Files.readString(Path.of(System.getProperty("shallownet.project.dir", "."), "conf",
                "java-module-options")).strip();
        RunResult r = new Runner(new OptionsBuilder()
                .include(KernelBenchmark.class.getName() + ".forwardBackward")
                .param("batch", Integer.toString(batch))
                .param("blas", blas)
                .forks(1)
                .warmupIterations(n(4, 2)).warmupTime(TimeValue.seconds(n(2, 1)))
                .measurementIterations(n(6, 3)).measurementTime(TimeValue.seconds(n(2, 1)))
                .jvmArgsAppend(modules.split(" "))
                .build()).runSingle();
        return new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()};
    }

    // ---- Spark's floor and this job's step --------------------------------------------------

    /**
     * Spark's floors and this job's step, measured in turns (one of each per round), so that a
     * noisy neighbour or a GC weighs on all alike: a bare {@code count()}; a broadcast of the
     * weights + {@code treeAggregate} of a gradient-sized array; a broadcast + {@code runJob} with
     * a Java function whose partials a driver-side handler merges (the path the steps take, with
     * no kernel: the floor a step is compared with); the step (weights inside the task, the
     * default), and the step with the weights by an explicit broadcast.
     */
    private void floorAndStep() {
        int warm = n(60, 20);
        int count = n(300, 80);
        long[] bare = new long[count];
        long[] bcastAgg = new long[count];
        long[] bcastRunJob = new long[count];
        long[] step = new long[count];
        long[] stepBroadcast = new long[count];
        long[] kernel = new long[count];
        long[] rest = new long[count];
        float[] weights = WeightInit.initShallow(SHAPE, 1);
        int depth = 1;
        SparkBackend backend = new SparkBackend(sc, SHAPE, train, trainFiles.count(), test).weightsInTask(true);
        SparkBackend broadcastStep = new SparkBackend(sc, SHAPE, train, trainFiles.count(), test).weightsInTask(false);
        int[] order = MinibatchOrder.permutation(1, 1, trainFiles.count());
        int steps = MinibatchOrder.steps(trainFiles.count(), 100);
        // In turns by blocks: BLOCK jobs of one kind back to back, then the next kind, so that each
        // kind runs as a training loop runs its steps (after a job of its own kind) and load or GC
        // still weighs on all kinds alike. One job of each kind in turns measured the step after a
        // floor job, which paid for the floor's broadcast clean-up: 1.28 x against 0.89 x for the
        // step of a real run against the same floor (quiet machine, same day).
        final int block = 10;
        for (int i0 = -warm; i0 < count; i0 += block) {
            for (int kind = 0; kind < 5; kind++) {
                for (int i = i0; i < Math.min(i0 + block, count); i++) {
                    int l = Math.floorMod(i, steps);
                    int[] batch = Arrays.copyOfRange(order, l * 100, l * 100 + 100);
                    long t0 = System.nanoTime();
                    switch (kind) {
                        case 0 -> train.count();
                        case 1 -> {
                            Broadcast<float[]> b = sc.broadcast(weights);
                            train.treeAggregate((float[]) null, (acc, blk) -> acc != null ? acc : new float[b.value().length],
                                    Benchmark::addArrays, depth);
                            b.destroy();
                        }
                        case 2 -> broadcastRunJob(weights);
                        case 3 -> backend.gradientSum(weights, batch, "benchmark step");
                        default -> broadcastStep.gradientSum(weights, batch, "benchmark step, weights broadcast");
                    }
                    long t = System.nanoTime() - t0;
                    if (i < 0) {
                        continue;
                    }
                    switch (kind) {
                        case 0 -> bare[i] = t;
                        case 1 -> bcastAgg[i] = t;
                        case 2 -> bcastRunJob[i] = t;
                        case 3 -> {
                            step[i] = t;
                            kernel[i] = backend.lastKernelNanos();
                            rest[i] = t - kernel[i];
                        }
                        default -> stepBroadcast[i] = t;
                    }
                }
            }
        }
        double bareMs = median(bare);
        double runJobMs = median(bcastRunJob);
        figures.put("floor_bare_job_ms", Map.of("median", bareMs, "p90", p90(bare)));
        figures.put("floor_broadcast_treeAggregate_ms", Map.of("median", median(bcastAgg), "p90", p90(bcastAgg)));
        figures.put("floor_broadcast_runJob_ms", Map.of("median", runJobMs, "p90", p90(bcastRunJob)));
        figures.put("step_ms", Map.of("median", median(step), "p90", p90(step), "kernel_median", median(kernel),
                "rest_median", median(rest), "rest_over_bare_job", median(rest) / bareMs,
                "over_broadcast_runJob", median(step) / runJobMs, "rest_over_broadcast_runJob", median(rest) / runJobMs));
        figures.put("step_weights_broadcast_ms", Map.of("median", median(stepBroadcast), "p90", p90(stepBroadcast)));
        row("Spark floor: bare count() job on the cached RDD", msp(bare), "");
        row("Spark floor: broadcast 200 KB + treeAggregate 50,890 floats", msp(bcastAgg), "");
        row("Spark floor: broadcast 200 KB + runJob, 50,890 floats merged", msp(bcastRunJob), "");
        row("this job's step (B=100)", String.format("%s = %.2f x broadcast + runJob", msp(step),
                median(step) / runJobMs), "<= 1.0 x broadcast + runJob");
        row("  of which kernel (slowest task)", String.format("median %.2f ms", median(kernel)), "");
        row("  of which the rest (step - kernel)", String.format("median %.2f ms = %.2f x broadcast + runJob",
                median(rest), median(rest) / runJobMs), "");
        row("  the same step, weights by an explicit broadcast", String.format("%s = %.2f x the step",
                msp(stepBroadcast), median(stepBroadcast) / median(step)), "");
    }

    /**
     * Where a step's time goes (Spark's task metrics, {@link StepBreakdown}), for the weights as a
     * broadcast and inside the task: consecutive steps, the two variants in turns by blocks. On a
     * standalone cluster ({@code --master spark://...}) this is the cluster step's breakdown.
     */
    private void stepBreakdown() throws Exception {
        SparkBackend broadcast = new SparkBackend(sc, SHAPE, train, trainFiles.count(), test).weightsInTask(false);
        SparkBackend inTask = new SparkBackend(sc, SHAPE, train, trainFiles.count(), test).weightsInTask(true);
        StepBreakdown[] listeners = {new StepBreakdown("breakdown: weights broadcast"),
                new StepBreakdown("breakdown: weights in the task")};
        for (StepBreakdown l : listeners) {
            sc.sc().addSparkListener(l);
        }
        float[] weights = WeightInit.initShallow(SHAPE, 1);
        int[] order = MinibatchOrder.permutation(1, 1, trainFiles.count());
        int steps = MinibatchOrder.steps(trainFiles.count(), 100);
        int warm = n(40, 20);
        int perBlock = n(50, 20);
        int blocks = 4;
        double[] wall = new double[2];
        double[] kernelMs = new double[2];
        int[] counted = new int[2];
        for (int b = -1; b < blocks; b++) {
            for (int v = 0; v < 2; v++) {
                SparkBackend backend = v == 0 ? broadcast : inTask;
                for (int i = 0; i < (b < 0 ? warm : perBlock); i++) {
                    int l = Math.floorMod(b * perBlock + i, steps);
                    int[] batch = Arrays.copyOfRange(order, l * 100, l * 100 + 100);
                    String description = (b < 0 ? "warm-up " : "") + (v == 0 ? "breakdown: weights broadcast"
                            : "breakdown: weights in the task");
                    long t0 = System.nanoTime();
                    backend.gradientSum(weights, batch, description);
                    long t = System.nanoTime() - t0;
                    if (b >= 0) {
                        wall[v] += t / 1e6;
                        kernelMs[v] += backend.lastKernelNanos() / 1e6;
                        counted[v]++;
                    }
                }
            }
        }
        String where = sc.master().startsWith("local") ? sc.master() : "cluster " + sc.master();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int v = 0; v < 2; v++) {
            StepBreakdown.Parts parts = listeners[v].parts(sc.sc(), wall[v] / counted[v], kernelMs[v] / counted[v]);
            out.put(v == 0 ? "weights_broadcast" : "weights_in_task", parts.asMap());
            row("step breakdown, " + (v == 0 ? "weights broadcast" : "weights in the task") + " (" + where + ")",
                    parts.oneLine(), "");
        }
        figures.put("step_breakdown", out);
        for (StepBreakdown l : listeners) {
            sc.sc().removeSparkListener(l);
        }
    }

    /** The floor of a step's job: broadcast the weights, one gradient-sized partial per task, merged on the driver. */
    private void broadcastRunJob(float[] weights) {
        Broadcast<float[]> b = sc.broadcast(weights);
        float[][] sum = new float[1][];
        sc.sc().runJob(train.rdd(), new PartialOfSize(b), new scala.runtime.AbstractFunction2<Object, float[],
                scala.runtime.BoxedUnit>() {
            @Override
            public scala.runtime.BoxedUnit apply(Object partition, float[] partial) {
                synchronized (sum) {
                    sum[0] = addArrays(sum[0], partial);
                }
                return scala.runtime.BoxedUnit.UNIT;
            }
        }, scala.reflect.ClassTag$.MODULE$.apply(float[].class));
        b.destroy();
    }

    /** A task that reads the broadcast and returns an array of its size: no kernel, only Spark. */
    private static final class PartialOfSize extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext,
            scala.collection.Iterator<SampleBlock>, float[]> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> weights;

        PartialOfSize(Broadcast<float[]> weights) {
            this.weights = weights;
        }

        @Override
        public float[] apply(org.apache.spark.TaskContext context, scala.collection.Iterator<SampleBlock> blocks) {
            while (blocks.hasNext()) {
                blocks.next();
            }
            return new float[weights.value().length];
        }
    }

    private static float[] addArrays(float[] a, float[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    // ---- whole recipes ----------------------------------------------------------------------

    /** Times the backend's evaluations, so training time can be told apart from reporting. */
    private static final class EvalTiming implements TrainingBackend {
        private final TrainingBackend inner;
        long evalNanos;

        EvalTiming(TrainingBackend inner) {
            this.inner = inner;
        }

        @Override
        public int trainCount() {
            return inner.trainCount();
        }

        @Override
        public GradientSum gradientSum(float[] params, int[] batch, String description) {
            return inner.gradientSum(params, batch, description);
        }

        @Override
        public SplitSums evaluateTrain(float[] params, int[] validation, String description) {
            long t0 = System.nanoTime();
            try {
                return inner.evaluateTrain(params, validation, description);
            } finally {
                evalNanos += System.nanoTime() - t0;
            }
        }

        @Override
        public EvalSums evaluateTest(float[] params, String description) {
            long t0 = System.nanoTime();
            try {
                return inner.evaluateTest(params, description);
            } finally {
                evalNanos += System.nanoTime() - t0;
            }
        }
    }

    /**
     * The seed recipe as a user runs it: {@code ./submit.sh train --master local[2]} as a process,
     * from its start until it exits with the model written (JVM start, Spark start, caching,
     * training, evaluation, saving). This benchmark's own Spark context is idle meanwhile.
     */
    private void seedRecipeFromSubmit() throws Exception {
        Path project = Path.of(System.getProperty("shallownet.project.dir", ".")).toAbsolutePath();
        Path out = project.resolve("target/bench/seed-model");
        List<String> cmd = List.of("bash", project.resolve("submit.sh").toString(), "train", "--master", "local[2]",
                "--data", Path.of(mnistDir()).toAbsolutePath().toString(), "--model-out", out.toString(), "--overwrite");
        Path log = project.resolve("target/bench/seed-submit.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String last = Files.readAllLines(log).stream().filter(l -> l.contains("model written to")).reduce((a, b) -> b)
                .orElse("");
        if (code != 0 || last.isEmpty()) {
            throw new IllegalStateException("./submit.sh train failed (exit " + code + "), see " + log);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("test error ([0-9.]+) %").matcher(last);
        double testError = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        figures.put("seed_recipe_submit", Map.of("wall_s", seconds, "test_error_pct", testError));
        row("seed recipe from ./submit.sh train --master local[2], start to exit", String.format(
                "%.1f s; test error %.2f %%", seconds, testError), "<= 30 s, <= 5.0 %");
    }

    private void seedRecipe() {
        TrainingConfig seed = TrainingConfig.seedRecipe().withEpochs(n(5, 1));
        EvalTiming backend = new EvalTiming(new SparkBackend(sc, SHAPE, train, trainFiles.count(), test));
        Trainer.Result r = new Trainer(seed, SHAPE, backend, m -> { }).train(WeightInit.initShallow(SHAPE, 1));
        double trainSeconds = r.seconds() - backend.evalNanos / 1e9;
        figures.put("seed_recipe", Map.of("epochs", seed.epochs(), "wall_s", r.seconds(), "training_s", trainSeconds,
                "test_error_pct", r.last().testErrorPct(), "train_error_pct", r.last().trainErrorPct(),
                "step_median_ms", r.steps().medianMs()));
        row("seed recipe (" + seed.epochs() + " epochs, B=100, lr 0.05), in-process", String.format(
                "%.1f s (%.1f s training, %.1f s evaluating); test error %.2f %%", r.seconds(), trainSeconds,
                backend.evalNanos / 1e9, r.last().testErrorPct()), quick ? "" : "<= 30 s from submit.sh start, <= 5.0 %");
    }

    private void timeToAccuracy() {
        // The quick mode stops at 2 epochs: enough for the curve's start, not for 96.28 %.
        TrainingConfig fast = Preset.FAST.recipe(64, 10, 1);
        fast = quick ? fast.withEpochs(2) : fast;
        EvalTiming backend = new EvalTiming(new SparkBackend(sc, SHAPE, train, trainFiles.count(), test));
        long start = System.nanoTime();
        double[] reached = {Double.NaN, Double.NaN};
        List<Map<String, Object>> curve = new ArrayList<>();
        new Trainer(fast, SHAPE, backend, m -> {
            double trainingS = (System.nanoTime() - start - backend.evalNanos) / 1e9;
            double acc = 100 - m.testErrorPct();
            curve.add(Map.of("epoch", m.epoch(), "training_s", trainingS, "test_accuracy_pct", acc));
            if (acc >= MLLIB_REFERENCE_ACCURACY && Double.isNaN(reached[0])) {
                reached[0] = trainingS;
            }
            if (acc >= 97.0 && Double.isNaN(reached[1])) {
                reached[1] = trainingS;
            }
        }).train(WeightInit.initShallow(SHAPE, 1));
        figures.put("fast_preset_curve", curve);

        Mlp mlp = mlp(n(100, 3));
        figures.put("mllib_mlp", Map.of("max_iter", mlp.iterations, "fit_s", mlp.fitSeconds, "test_accuracy_pct",
                mlp.accuracy, "input_cache_bytes", mlp.cacheBytes));
        figures.put("time_to_96_28_s", Map.of("shallownet_fast", reached[0], "mllib_mlp_lower_bound",
                mlp.fitSeconds, "mllib_reached", mlp.accuracy >= MLLIB_REFERENCE_ACCURACY));
        figures.put("time_to_97_s", reached[1]);
        row("time to 96.28 % test accuracy: this job (--preset fast)", seconds(reached[0]), "");
        row("time to 96.28 %: MLlib MLP [784,64,10] l-bfgs, " + mlp.iterations + " iterations",
                String.format("%.1f s of fit() -> %.2f %%%s", mlp.fitSeconds, mlp.accuracy,
                        mlp.accuracy >= MLLIB_REFERENCE_ACCURACY ? "" : " (not reached: the time is a lower bound)"), "");
        row("  ratio MLlib / this job", Double.isNaN(reached[0]) ? "n/a"
                : String.format("%.1f x%s", mlp.fitSeconds / reached[0], mlp.accuracy >= MLLIB_REFERENCE_ACCURACY ? "" : " (at least)"),
                ">= 8 x");
        row("time to 97.0 % test accuracy: this job (--preset fast)", seconds(reached[1]), "<= 20 s");
    }

    private record Mlp(int iterations, double fitSeconds, double accuracy, long cacheBytes) {
    }

    private Mlp mlp(int iterations) {
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField("label", DataTypes.DoubleType, false),
                DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});
        Set<Integer> before = rddIds();
        Dataset<Row> trainDf = spark.createDataFrame(toRows(train), schema).cache();
        trainDf.count();
        long cacheBytes = 0;
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (!before.contains(info.id())) {
                cacheBytes += info.memSize() + info.diskSize();
            }
        }
        Dataset<Row> testDf = spark.createDataFrame(toRows(test), schema);
        MultilayerPerceptronClassifier classifier = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {784, 64, 10}).setMaxIter(iterations).setSeed(1L);
        sc.setJobDescription("MLlib MultilayerPerceptronClassifier.fit");
        long t0 = System.nanoTime();
        MultilayerPerceptronClassificationModel model = classifier.fit(trainDf);
        double fit = (System.nanoTime() - t0) / 1e9;
        double accuracy = 100 * new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(testDf));
        trainDf.unpersist();
        return new Mlp(iterations, fit, accuracy, cacheBytes);
    }

    /** The same samples, scaled the same way (-1 + 2x/255), as MLlib rows. */
    private static JavaRDD<Row> toRows(JavaRDD<SampleBlock> blocks) {
        return blocks.flatMap(b -> {
            List<Row> out = new ArrayList<>(b.count());
            for (int s = 0; s < b.count(); s++) {
                double[] x = new double[b.pixelsPerSample()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = NetworkKernel.scalePixel(b.pixels()[s * x.length + i]);
                }
                out.add(RowFactory.create((double) b.label(s), Vectors.dense(x)));
            }
            return out.iterator();
        });
    }

    private Set<Integer> rddIds() {
        Set<Integer> ids = new HashSet<>();
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            ids.add(info.id());
        }
        return ids;
    }

    private void cachedSizes() {
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == train.id()) {
                figures.put("cached_training_bytes", info.memSize());
                row("cached training data (Spark storage info): this job", mb(info.memSize()), "<= 50 MB");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> mlp = (Map<String, Object>) figures.get("mllib_mlp");
        row("cached training data: MLlib MLP's input DataFrame", mb((Long) mlp.get("input_cache_bytes")), "");
    }

    // ---- scaling ----------------------------------------------------------------------------

    private void scaling() {
        Map<String, Object> data = new LinkedHashMap<>();
        float[] weights = WeightInit.initShallow(SHAPE, 1);
        int[] factors = {1, 2, 4};
        int n = trainFiles.count();
        List<JavaRDD<SampleBlock>> rdds = new ArrayList<>();
        List<SparkBackend> backends = new ArrayList<>();
        List<int[]> orders = new ArrayList<>();
        for (int k : factors) {
            JavaRDD<SampleBlock> replicated = train.flatMap(b -> {
                List<SampleBlock> copies = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    copies.add(new SampleBlock(b.firstIndex() + c * n, b.pixelsPerSample(), b.pixels(), b.labels()));
                }
                return copies.iterator();
            }).cache();
            replicated.count();
            rdds.add(replicated);
            backends.add(new SparkBackend(sc, SHAPE, replicated, k * n, test));
            orders.add(MinibatchOrder.permutation(1, 1, k * n));
        }
        // The three sizes take their steps in turn (x1, x2, x4, x1, ...), so a GC pause, a JIT burst
        // or a noisy neighbour weighs on all three alike; measured one after the other, whichever
        // ran first paid for the warm-up and looked slower per step (x1 1.00, x2 1.69, x4 3.19).
        int measured = n(600, 60);
        long[][] times = new long[factors.length][measured];
        for (int l = -20; l < measured; l++) {
            for (int f = 0; f < factors.length; f++) {
                int step = Math.floorMod(l, 600);
                int[] batch = Arrays.copyOfRange(orders.get(f), step * 100, step * 100 + 100);
                long s0 = System.nanoTime();
                backends.get(f).gradientSum(weights, batch, "scaling x" + factors[f] + " step " + (l + 1));
                if (l >= 0) {
                    times[f][l] = System.nanoTime() - s0;
                }
            }
        }
        double base = Double.NaN;
        for (int f = 0; f < factors.length; f++) {
            int k = factors[f];
            int steps = MinibatchOrder.steps(k * n, 100);
            // Seconds per epoch: the median step times the epoch's steps (an epoch of x4 is 2,400 steps).
            double perEpoch = median(times[f]) / 1e3 * steps;
            double mean = Arrays.stream(times[f]).average().orElse(Double.NaN) / 1e9 * steps;
            rdds.get(f).unpersist();
            if (k == 1) {
                base = perEpoch;
            }
            data.put("x" + k, Map.of("seconds_per_epoch", perEpoch, "mean_based_seconds_per_epoch", mean,
                    "steps_measured", measured, "steps_per_epoch", steps));
            row("seconds per epoch, training set x" + k + " (from " + measured + " steps)",
                    String.format("%.1f s = %.2f x (x1's) / %d (from the mean step: %.1f s)", perEpoch, perEpoch / base,
                            k, mean), "linear within +-15 %");
        }
        figures.put("scaling_data", data);
    }

    /** Step time against the partition count: one task per core whatever the count (SparkBackend.Blocks). */
    private void partitionSweep() {
        float[] weights = WeightInit.initShallow(SHAPE, 1);
        int[] counts = {2, 4, 8, 16};
        List<JavaRDD<SampleBlock>> rdds = new ArrayList<>();
        List<SparkBackend> backends = new ArrayList<>();
        for (int p : counts) {
            JavaRDD<SampleBlock> blocks = BlockRdds.load(sc, trainFiles, p, "training set, " + p + " partitions");
            blocks.count();
            rdds.add(blocks);
            backends.add(new SparkBackend(sc, SHAPE, blocks, trainFiles.count(), test));
        }
        // In turns (2, 4, 8, 16, 2, ...), for the same reason as the scaling above.
        int[] order = MinibatchOrder.permutation(1, 1, trainFiles.count());
        int count = n(150, 40);
        long[][] t = new long[counts.length][count];
        for (int i = -n(20, 10); i < count; i++) {
            int l = Math.floorMod(i, 600);
            int[] batch = Arrays.copyOfRange(order, l * 100, l * 100 + 100);
            for (int k = 0; k < counts.length; k++) {
                long t0 = System.nanoTime();
                backends.get(k).gradientSum(weights, batch, "partitions " + counts[k]);
                if (i >= 0) {
                    t[k][i] = System.nanoTime() - t0;
                }
            }
        }
        Map<String, Object> parts = new LinkedHashMap<>();
        double two = median(t[0]);
        for (int k = 0; k < counts.length; k++) {
            rdds.get(k).unpersist();
            parts.put(String.valueOf(counts[k]), Map.of("median_ms", median(t[k]), "p90_ms", p90(t[k])));
            row("step time with " + counts[k] + " partitions", String.format("%s (%.2f x 2 partitions')", msp(t[k]),
                    median(t[k]) / two), "within +-30 % of 2's");
        }
        figures.put("scaling_partitions", parts);
    }

    // ---- data-set size ----------------------------------------------------------------------

    /**
     * Step time against the size of the cached training set (issue 26): MNIST's training samples
     * replicated x1, x5 and x20 (1.2 M samples, 950 MB), laid out as {@link BlockRdds#load} lays
     * out a file of that many samples (partition p holds samples {@code [p N / P, (p + 1) N / P)}
     * in blocks of {@link BlockReader#MAX_BLOCK_SAMPLES}), each copy in memory of its own (sample
     * {@code i} is MNIST's {@code i mod 60,000}), all cached before the first step. The three
     * sizes take their steps in turns (x1, x5, x20, x1, ...), at B=4000 and at B=100. Per size:
     * the step's median and p90, the fold's time in the slowest task (selection and kernel), the
     * JVM's GC time per step (driver and executors share this JVM in local mode) and Spark's own
     * breakdown of the step ({@link StepBreakdown}).
     */
    private void dataSize() throws Exception {
        int[] factors = {1, 5, 20};
        int[] batchSizes = {4000, 100};
        int n = trainFiles.count();
        Broadcast<SampleBlock> source = sc.broadcast(BlockReader.readAll(sc.hadoopConfiguration(), trainFiles));
        List<JavaRDD<SampleBlock>> rdds = new ArrayList<>();
        List<SparkBackend> backends = new ArrayList<>();
        List<int[]> orders = new ArrayList<>();
        List<String> cached = new ArrayList<>();
        long onDisk = 0;
        for (int k : factors) {
            JavaRDD<SampleBlock> blocks = replicated(sc, source, k * n, partitions);
            blocks.count();
            for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
                if (info.id() == blocks.id()) {
                    cached.add(String.format("x%d %.0f MB (%d/%d partitions)", k, info.memSize() / 1e6,
                            info.numCachedPartitions(), info.numPartitions()));
                    onDisk += info.diskSize();
                }
            }
            rdds.add(blocks);
            backends.add(new SparkBackend(sc, SHAPE, blocks, k * n, test));
            orders.add(MinibatchOrder.permutation(1, 1, k * n));
        }
        row("data-set size: cached in memory", String.join(", ", cached) + String.format("; %.0f MB on disk",
                onDisk / 1e6), "all in memory");
        float[] weights = WeightInit.initShallow(SHAPE, 1);
        java.util.List<java.lang.management.GarbageCollectorMXBean> gcs =
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int b : batchSizes) {
            int warm = b >= 1000 ? n(20, 10) : n(40, 20);
            int count = b >= 1000 ? n(120, 40) : n(300, 100);
            long[][] wall = new long[factors.length][count];
            long[][] kernel = new long[factors.length][count];
            long[] gcMs = new long[factors.length];
            long[] gcCount = new long[factors.length];
            StepBreakdown[] listeners = new StepBreakdown[factors.length];
            for (int f = 0; f < factors.length; f++) {
                listeners[f] = new StepBreakdown(description(b, factors[f]));
                sc.sc().addSparkListener(listeners[f]);
            }
            for (int i = -warm; i < count; i++) {
                for (int f = 0; f < factors.length; f++) {
                    int[] order = orders.get(f);
                    int l = Math.floorMod(i, order.length / b);
                    int[] batch = Arrays.copyOfRange(order, l * b, l * b + b);
                    long gc0 = gcMillis(gcs);
                    long c0 = gcCount(gcs);
                    long t0 = System.nanoTime();
                    backends.get(f).gradientSum(weights, batch, (i < 0 ? "warm-up " : "") + description(b, factors[f])
                            + "step " + (i + 1));
                    long t = System.nanoTime() - t0;
                    if (i >= 0) {
                        wall[f][i] = t;
                        kernel[f][i] = backends.get(f).lastKernelNanos();
                        gcMs[f] += gcMillis(gcs) - gc0;
                        gcCount[f] += gcCount(gcs) - c0;
                    }
                }
            }
            Map<String, Object> perSize = new LinkedHashMap<>();
            double base = median(wall[0]);
            for (int f = 0; f < factors.length; f++) {
                int k = factors[f];
                double meanWall = Arrays.stream(wall[f]).average().orElse(Double.NaN) / 1e6;
                double meanKernel = Arrays.stream(kernel[f]).average().orElse(Double.NaN) / 1e6;
                StepBreakdown.Parts parts = listeners[f].parts(sc.sc(), meanWall, meanKernel);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("samples", k * n);
                m.put("median_ms", median(wall[f]));
                m.put("p90_ms", p90(wall[f]));
                m.put("over_x1", median(wall[f]) / base);
                m.put("fold_slowest_task_median_ms", median(kernel[f]));
                m.put("gc_ms_per_step", gcMs[f] / (double) count);
                m.put("gcs_per_step", gcCount[f] / (double) count);
                m.put("breakdown", parts.asMap());
                perSize.put("x" + k, m);
                row(String.format("step, training set x%d (%,d samples), B=%d", k, k * n, b), String.format(
                        "%s = %.2f x x1's; fold (slowest task) %.2f ms; GC %.2f ms/step", msp(wall[f]),
                        median(wall[f]) / base, median(kernel[f]), gcMs[f] / (double) count),
                        k == factors[factors.length - 1] ? "<= 1.2 x x1's" : "");
                row("  breakdown", parts.oneLine(), "");
                sc.sc().removeSparkListener(listeners[f]);
            }
            out.put("B" + b, perSize);
        }
        figures.put("data_size", out);
        for (JavaRDD<SampleBlock> r : rdds) {
            r.unpersist();
        }
        source.destroy();
    }

    private static String description(int batch, int factor) {
        return "datasize B=" + batch + " x" + factor + " ";
    }

    private static long gcMillis(List<java.lang.management.GarbageCollectorMXBean> gcs) {
        long t = 0;
        for (var gc : gcs) {
            t += Math.max(0, gc.getCollectionTime());
        }
        return t;
    }

    private static long gcCount(List<java.lang.management.GarbageCollectorMXBean> gcs) {
        long c = 0;
        for (var gc : gcs) {
            c += Math.max(0, gc.getCollectionCount());
        }
        return c;
    }

    /**
     * {@code total} samples, sample {@code i} a copy of {@code source}'s {@code i mod count}, in
     * {@code partitions} cached partitions of contiguous ranges and blocks of
     * {@link BlockReader#MAX_BLOCK_SAMPLES}: what {@link BlockRdds#load} makes of a file that
     * holds {@code source} repeated, built in the tasks from the broadcast instead of a file.
     */
    static JavaRDD<SampleBlock> replicated(JavaSparkContext sc, Broadcast<SampleBlock> source, int total,
                                           int partitions) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ids.add(p);
        }
        JavaRDD<SampleBlock> blocks = sc.parallelize(ids, partitions).mapPartitions(it -> {
            SampleBlock s = source.value();
            int count = s.count();
            int ppi = s.pixelsPerSample();
            List<SampleBlock> out = new ArrayList<>();
            while (it.hasNext()) {
                int p = it.next();
                int first = (int) ((long) p * total / partitions);
                int end = (int) ((long) (p + 1) * total / partitions);
                for (int start = first; start < end; start += BlockReader.MAX_BLOCK_SAMPLES) {
                    int m = Math.min(BlockReader.MAX_BLOCK_SAMPLES, end - start);
                    byte[] pixels = new byte[m * ppi];
                    byte[] labels = new byte[m];
                    for (int i = 0; i < m; i++) {
                        int from = (start + i) % count;
                        System.arraycopy(s.pixels(), from * ppi, pixels, i * ppi, ppi);
                        labels[i] = s.labels()[from];
                    }
                    out.add(new SampleBlock(start, ppi, pixels, labels));
                }
            }
            return out.iterator();
        });
        blocks.setName("training set x" + (total / source.value().count()) + " (" + total + " samples in "
                + partitions + " partitions)");
        return blocks.persist(BlockRdds.STORAGE);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void row(String what, String value, String target) {
        rows.add(new String[] {what, value, target});
        System.out.printf("%-62s %s%n", what, value);
    }

    private void print() {
        System.out.println();
        System.out.printf("shallownet benchmark (%s): %s, %s partitions, Spark %s, Java %s, %s cores, BLAS %s%n",
                figures.get("mode"), figures.get("master"), partitions, figures.get("spark"), figures.get("java"),
                figures.get("cores"), figures.get("blas"));
        System.out.printf("%-62s | %-58s | %s%n", "figure", "measured", "target");
        System.out.println("-".repeat(150));
        for (String[] r : rows) {
            System.out.printf("%-62s | %-58s | %s%n", r[0], r[1], r[2]);
        }
        System.out.printf("benchmark took %.0f s%n", (Double) figures.get("benchmark_seconds"));
    }

    static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    static double p90(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) (0.9 * s.length))] / 1e6;
    }

    private static String msp(long[] nanos) {
        return String.format("median %.2f ms, p90 %.2f ms", median(nanos), p90(nanos));
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "not reached" : String.format("%.1f s of training", s);
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
