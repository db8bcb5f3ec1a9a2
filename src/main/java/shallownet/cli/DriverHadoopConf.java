package shallownet.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Hadoop configuration a command uses before (or without) a Spark context: the defaults plus
 * every {@code spark.hadoop.*} property (from spark-submit or {@code -D}), as Spark itself would
 * build it, so that S3 credentials and the like apply to the files checked before Spark starts.
 */
final class DriverHadoopConf {

    private DriverHadoopConf() {
    }

    static Configuration get() {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> kv : new SparkConf().getAllWithPrefix("spark.hadoop.")) {
            conf.set(kv._1(), kv._2());
        }
        return conf;
    }
}
