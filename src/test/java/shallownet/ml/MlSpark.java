package shallownet.ml;

import org.apache.spark.sql.SparkSession;

/** The local Spark session of the Spark ML tests (real Spark, local mode, the project's serializer). */
final class MlSpark {

    private MlSpark() {
    }

    static SparkSession start(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .getOrCreate();
    }
}
