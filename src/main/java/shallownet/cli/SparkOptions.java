package shallownet.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/** Options of the commands that run Spark jobs, and the context they create. */
final class SparkOptions {

    @Option(names = "--master", description = "Spark master URL (default: spark-submit's, else local[*]).") String master;

    @Option(names = "--partitions",
            description = "Partitions of the training data (default: Spark's default parallelism).") Integer partitions;

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
        return conf;
    }

    int partitions(JavaSparkContext sc) {
        return partitions != null ? partitions : sc.defaultParallelism();
    }
}
