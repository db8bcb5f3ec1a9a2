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
        return conf;
    }

    int partitions(JavaSparkContext sc) {
        return partitions != null ? partitions : sc.defaultParallelism();
    }
}
