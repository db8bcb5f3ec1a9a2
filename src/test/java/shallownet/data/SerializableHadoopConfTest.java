package shallownet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** A user's {@code spark.hadoop.*} settings reach the tasks, whichever serializer carries them. */
class SerializableHadoopConfTest {

    private static Configuration roundTrip(Serializer serializer, Configuration conf) {
        SerializerInstance s = serializer.newInstance();
        ByteBuffer bytes = s.serialize(new SerializableHadoopConf(conf), ClassTag$.MODULE$.apply(SerializableHadoopConf.class));
        SerializableHadoopConf back = s.deserialize(bytes, ClassTag$.MODULE$.apply(SerializableHadoopConf.class));
        return back.get();
    }

    @Test
    void survivesKryoAndJavaSerialization() {
        Configuration conf = new Configuration(false);
        conf.set("fs.s3a.endpoint", "http://minio.local:9000");
        conf.setInt("io.file.buffer.size", 131072);
        SparkConf spark = new SparkConf();
        for (Serializer serializer : List.of(new KryoSerializer(spark), new JavaSerializer(spark))) {
            Configuration back = roundTrip(serializer, conf);
            assertEquals("http://minio.local:9000", back.get("fs.s3a.endpoint"), serializer.getClass().getSimpleName());
            assertEquals(131072, back.getInt("io.file.buffer.size", 0));
            assertEquals(conf.size(), back.size());
        }
    }

    @Test
    void aBroadcastConfigurationReachesTheTasksUnderKryo() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("conf broadcast")
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.hadoop.shallownet.test.setting", "from the driver");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Broadcast<SerializableHadoopConf> b = SerializableHadoopConf.broadcast(sc);
            List<String> seen = sc.parallelize(List.of(0, 1), 2)
                    .map(i -> b.value().get().get("shallownet.test.setting")).collect();
            assertEquals(List.of("from the driver", "from the driver"), seen);
        }
    }
}
