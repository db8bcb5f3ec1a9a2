package shallownet.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import shallownet.train.AggregationTree;

/** Options of the commands that run Spark jobs, and the context they create. */
final class SparkOptions {

    @Option(names = "--master", description = "Spark master URL (default: spark-submit's, else local[*]).") String master;

    @Option(names = "--partitions",
            description = "Partitions of the training data (default: Spark's default parallelism).") Integer partitions;

    @Option(names = "--tree-depth", paramLabel = "auto|1|2|3", converter = TreeDepth.class,
            description = "Depth of the tree that merges a step's partials (one per executor): 1 merges them all on the "
                    + "driver, 2 and 3 add shuffle levels; auto (the default) is 1 up to "
                    + AggregationTree.AUTO_CROSSOVER_TASKS + " executors, else 2. Same as --conf "
                    + AggregationTree.CONF_KEY + "=D.") String treeDepth;

    /** Refuses a depth other than auto, 1, 2 or 3 as a usage error, before Spark starts. */
    static final class TreeDepth implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                AggregationTree.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            return value.trim();
        }
    }

    static final String BROADCAST_BLOCK_SIZE = "spark.broadcast.blockSize";
    static final String DEFAULT_BROADCAST_BLOCK_SIZE = "256k";
    static final String EXECUTOR_OPENBLAS_THREADS = "spark.executorEnv.OPENBLAS_NUM_THREADS";

    JavaSparkContext start(String appName) {
        return new JavaSparkContext(conf().setAppName(appName));
    }

    /** The configuration the context will have: spark-submit's (system properties) and --master. */
    SparkConf conf() {
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            // Not under spark-submit and no --master: the embedded default for development.
            conf.setMaster("local[*]");
        }
        if (treeDepth != null) {
            conf.set(AggregationTree.CONF_KEY, treeDepth);
        }
        // Every step is a job whose task binary (the weights inside) Spark broadcasts, and a broadcast
        // is cut into blocks of this size, each first allocated whole: at Spark's 4m every step
        // allocated a 4 MB array, a humongous object for G1 (any heap under 32 GB), and each one
        // started a concurrent cycle. Seed recipe, local[2], quiet (load 0.5-2): 176 GC pauses, 141 of
        // them "Concurrent Start (G1 Humongous Allocation)", 1.06 s paused in all, at 4m; 104 pauses,
        // 8 concurrent starts, 0.69 s at 256k. A user's own setting wins.
        conf.setIfMissing(BROADCAST_BLOCK_SIZE, DEFAULT_BROADCAST_BLOCK_SIZE);
        // With -Dshallownet.blas=native, OpenBLAS would start its own threads in every task, on
        // cores Spark already gave to other tasks: the seed recipe took 41.5 s so (local[2]) against
        // 21.6 s with one thread. Spark's MLlib guide asks the same of native BLAS. submit.sh does
        // this for the driver's JVM (local mode); this is for executors. A user's setting wins.
        conf.setIfMissing(EXECUTOR_OPENBLAS_THREADS, "1");
        return conf;
    }

    int partitions(JavaSparkContext sc) {
        return partitions != null ? partitions : sc.defaultParallelism();
    }
}
