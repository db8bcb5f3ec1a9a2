package shallownet.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import shallownet.data.BlockRdds;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.train.MinibatchOrder;
import shallownet.train.SparkBackend;

/**
 * What a training step costs when part of the cached training set does not fit in storage memory,
 * per storage level: the step median (B=4000, local[2], 2 partitions) with storage memory limited to
 * {@code --storage-mb} (Spark's own test setting of the memory it manages, so the JVM and the data
 * stay the same), and, as the baseline, with storage memory enough for all of it. Run with
 * {@code java -cp target/test-classes:target/classes:$(cat target/spark-classpath.txt) <module options>
 * shallownet.bench.SpillBenchmark DATA_DIR [--storage-mb 40] [--steps 40]}.
 */
public final class SpillBenchmark {

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        String dir = args[0];
        long storageMb = a.contains("--storage-mb") ? Long.parseLong(a.get(a.indexOf("--storage-mb") + 1)) : 40;
        int steps = a.contains("--steps") ? Integer.parseInt(a.get(a.indexOf("--steps") + 1)) : 40;
        String[] levels = {"MEMORY_ONLY", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY"};
        System.out.printf("%-22s %-10s %10s %10s %14s%n", "level", "storage", "memory MB", "disk MB", "step median ms");
        measure(dir, "MEMORY_ONLY", 0, steps);
        for (String level : levels) {
            measure(dir, level, storageMb, steps);
        }
    }

    private static void measure(String dir, String level, long storageMb, int steps) throws Exception {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("spill benchmark")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.ui.enabled", "false");
        if (storageMb > 0) {
            // Storage memory = (spark.testing.memory - reserved) * spark.memory.fraction.
            conf.set("spark.testing.memory", String.valueOf(storageMb * 1024 * 1024 * 10 / 6))
                    .set("spark.testing.reservedMemory", "0").set("spark.memory.fraction", "0.6");
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            LabeledIdxFiles files = DataDirectory.train(sc.hadoopConfiguration(), dir, 10);
            JavaRDD<SampleBlock> train = BlockRdds.load(sc, files, 2, "training set", StorageLevel.fromString(level));
            train.count();
            long mem = 0;
            long disk = 0;
            for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
                mem += info.memSize();
                disk += info.diskSize();
            }
            NetworkShape shape = new NetworkShape(files.pixelsPerImage(), 64, 10);
            SparkBackend backend = new SparkBackend(sc, shape, train, files.count(), train);
            float[] params = WeightInit.initShallow(shape, 1);
            int[] order = MinibatchOrder.permutation(1, 1, files.count());
            List<Double> ms = new ArrayList<>();
            for (int s = 0; s < steps + 5; s++) {
                int from = (s * 4000) % (files.count() - 4000);
                int[] batch = Arrays.copyOfRange(order, from, from + 4000);
                long t0 = System.nanoTime();
                backend.gradientSum(params, batch, "step");
                if (s >= 5) {
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
            }
            ms.sort(null);
            System.out.printf("%-22s %-10s %10.1f %10.1f %14.1f%n", level,
                    storageMb > 0 ? storageMb + " MB" : "enough", mem / 1e6, disk / 1e6, ms.get(ms.size() / 2));
        }
    }
}
