package shallownet.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/** Options of the commands that run Spark jobs, and the context they create. */
final class SparkOptions {

    @Option(names = "--master", description = "Spark master URL (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--partitions", description = "Partitions of the training data (default: Spark's default parallelism).")
    Integer partitions;

    JavaSparkContext start(String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            // Not under spark-submit and no --master: the embedded default for development.
            conf.setMaster("local[*]");
        }
        return new JavaSparkContext(conf);
    }

    int partitions(JavaSparkContext sc) {
        return partitions != null ? partitions : sc.defaultParallelism();
    }
}
