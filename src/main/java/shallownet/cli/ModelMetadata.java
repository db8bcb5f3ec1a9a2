package shallownet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import shallownet.data.BlockRdds;
import shallownet.data.CacheReport;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.train.EpochMetrics;

/**
 * The parts of a saved model's {@code model.json} that {@code train} and {@code retrain} write
 * alike, in the order they appear; each command adds its own sections between them.
 */
final class ModelMetadata {

    private ModelMetadata() {
    }

    /** When, and with which versions of shallownet and Spark. */
    static ObjectNode create(JavaSparkContext sc) {
        ObjectNode meta = ModelFiles.json().createObjectNode();
        meta.put("created", Instant.now().toString());
        meta.put("shallownet_version", Version.get());
        meta.put("spark_version", sc.version());
        return meta;
    }

    /**
     * Which Spark application ran: its id (YARN's {@code application_...} on YARN, where the logs
     * are found by it) and, for a driver that the cluster restarts (YARN cluster mode), the attempt.
     */
    static ObjectNode putApplication(ObjectNode node, JavaSparkContext sc) {
        node.put("spark_application_id", sc.sc().applicationId());
        if (sc.sc().applicationAttemptId().isDefined()) {
            node.put("spark_application_attempt", sc.sc().applicationAttemptId().get());
        }
        return node;
    }

    /** The application as the log lines name it: its id, and its attempt if there are attempts. */
    static String describeApplication(JavaSparkContext sc) {
        return "application " + sc.sc().applicationId()
                + (sc.sc().applicationAttemptId().isDefined() ? " attempt " + sc.sc().applicationAttemptId().get() : "");
    }

    /** The {@code data} section: path, SHA-256 and size of each input file. */
    static void putData(ObjectNode meta, LabeledIdxFiles train, LabeledIdxFiles test) {
        ObjectNode d = meta.putObject("data");
        fingerprint(d.putObject("train"), train);
        fingerprint(d.putObject("test"), test);
    }

    private static void fingerprint(ObjectNode node, LabeledIdxFiles f) {
        node.put("images", f.imagesPath());
        node.put("images_sha256", f.imagesSha256());
        node.put("labels", f.labelsPath());
        node.put("labels_sha256", f.labelsSha256());
        node.put("count", f.count());
        node.put("rows", f.rows());
        node.put("cols", f.cols());
    }

    /** The {@code metrics} section with the returned epoch's figures; the caller adds its own after them. */
    static ObjectNode putMetrics(ObjectNode meta, EpochMetrics last) {
        ObjectNode m = meta.putObject("metrics");
        m.put("epoch", last.epoch());
        m.put("train_loss", last.trainLoss());
        m.put("train_error_pct", last.trainErrorPct());
        m.put("test_loss", last.testLoss());
        m.put("test_error_pct", last.testErrorPct());
        return m;
    }

    /** What Spark held of the cached sets, as fields of a metrics line or summary. */
    static void putCache(ObjectNode o, CacheReport c) {
        o.put("cache_data_bytes", c.dataBytes());
        o.put("cache_memory_bytes", c.memoryBytes());
        o.put("cache_disk_bytes", c.diskBytes());
        o.put("cache_partitions", c.partitions());
        o.put("cache_partitions_cached", c.cached());
        o.put("cache_all_in_memory", c.allInMemory());
        o.put("cache_fits_with", c.setting());
    }

    /** The {@code history} section: every epoch's metrics. */
    static void putHistory(ObjectNode meta, List<EpochMetrics> history) {
        ArrayNode h = meta.putArray("history");
        for (EpochMetrics e : history) {
            h.add(TrainCommand.MetricsWriter.toJson(e));
        }
    }

    /**
     * The training and test sets, read into cached blocks now so that loading is timed apart from
     * training, and what Spark holds of them.
     */
    record CachedSets(JavaRDD<SampleBlock> train, JavaRDD<SampleBlock> test, CacheReport cache) {
        static CachedSets load(JavaSparkContext sc, LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles,
                               int partitions) {
            sc.setJobDescription("load and cache the training and test sets");
            JavaRDD<SampleBlock> train = BlockRdds.load(sc, trainFiles, partitions, "training set");
            JavaRDD<SampleBlock> test = BlockRdds.load(sc, testFiles, partitions, "test set");
            train.count();
            test.count();
            return new CachedSets(train, test, CacheReport.of(sc, blockBytes(trainFiles) + blockBytes(testFiles),
                    List.of(train, test)));
        }

        /** The cache line: a warning when anything is not in memory (also with --quiet), else info. */
        void logCache(Logger log, boolean quiet) {
            if (!cache.allInMemory()) {
                log.warn(cache.line());
            } else if (!quiet) {
                log.info(cache.line());
            }
        }

        private static long blockBytes(LabeledIdxFiles f) {
            return (long) f.count() * (f.pixelsPerImage() + 1);
        }
    }
}
