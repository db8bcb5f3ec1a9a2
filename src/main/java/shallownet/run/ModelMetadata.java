package shallownet.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import shallownet.data.CacheReport;
import shallownet.idx.LabeledIdxFiles;
import shallownet.ShallownetVersion;
import shallownet.model.ModelFiles;
import shallownet.train.EpochMetrics;
import shallownet.train.EpochMetricsJson;
import shallownet.train.TrainingConfig;

/**
 * The parts of a saved model's {@code model.json} that {@code train} and {@code retrain} write
 * alike, in the order they appear; each command adds its own sections between them.
 */
public final class ModelMetadata {

    private ModelMetadata() {
    }

    /** When, and with which versions of shallownet and Spark. */
    public static ObjectNode create(JavaSparkContext sc) {
        ObjectNode meta = ModelFiles.json().createObjectNode();
        meta.put("created", Instant.now().toString());
        meta.put("shallownet_version", ShallownetVersion.get());
        meta.put("spark_version", sc.version());
        return meta;
    }

    /**
     * Which Spark application ran: its id (YARN's {@code application_...} on YARN, where the logs
     * are found by it) and, for a driver that the cluster restarts (YARN cluster mode), the attempt.
     */
    public static ObjectNode putApplication(ObjectNode node, JavaSparkContext sc) {
        node.put("spark_application_id", sc.sc().applicationId());
        if (sc.sc().applicationAttemptId().isDefined()) {
            node.put("spark_application_attempt", sc.sc().applicationAttemptId().get());
        }
        return node;
    }

    /** The application as the log lines name it: its id, and its attempt if there are attempts. */
    public static String describeApplication(JavaSparkContext sc) {
        return "application " + sc.sc().applicationId()
                + (sc.sc().applicationAttemptId().isDefined() ? " attempt " + sc.sc().applicationAttemptId().get() : "");
    }

    /**
     * The {@code training} section of both commands: the recipe's fields, then {@code extra}
     * (a command's own), then where it ran (partitions, master, Spark application).
     */
    /**
     * The recipe as JSON, for {@code model.json}'s {@code training.config} (retrain wrote the
     * record's {@code toString}, {@code "TrainingConfig[hidden=64, ...]"}, a string; nothing reads
     * the field, so models with the old string load as before).
     */
    public static ObjectNode config(TrainingConfig c) {
        ObjectNode n = ModelFiles.json().createObjectNode();
        n.put("hidden", c.hidden());
        n.put("batch_size", c.batchSize());
        n.put("learning_rate", c.learningRate());
        n.put("epochs", c.epochs());
        n.put("seed", c.seed());
        n.put("full_batch", c.fullBatch());
        n.put("eval_every", c.evalEvery());
        n.put("classes", c.classes());
        n.put("validation_fraction", c.validationFraction());
        n.put("patience", c.patience());
        TrainingConfig.Optimizer o = c.optimizer();
        ObjectNode opt = n.putObject("optimizer");
        opt.put("momentum", o.momentum());
        opt.put("nesterov", o.nesterov());
        opt.put("schedule", String.valueOf(o.schedule()).toLowerCase(java.util.Locale.ROOT));
        opt.put("decay", o.decay());
        opt.put("step_epochs", o.stepEpochs());
        opt.put("weight_decay", o.weightDecay());
        return n;
    }

    public static ObjectNode putTraining(ObjectNode meta, TrainingConfig c, String preset, int partitions,
                                         JavaSparkContext sc, Consumer<ObjectNode> extra) {
        ObjectNode t = meta.putObject("training");
        t.put("method", c.fullBatch() ? "full_batch_gradient_descent" : "minibatch_sgd");
        t.put("preset", preset);
        t.put("batch_size", c.batchSize());
        t.put("learning_rate", c.learningRate());
        t.put("epochs", c.epochs());
        t.put("seed", c.seed());
        t.put("classes", c.classes());
        t.put("momentum", c.optimizer().momentum());
        t.put("nesterov", c.optimizer().nesterov());
        t.put("lr_schedule", c.optimizer().schedule().toString());
        t.put("lr_decay", c.optimizer().decay());
        t.put("lr_step_epochs", c.optimizer().stepEpochs());
        t.put("weight_decay", c.optimizer().weightDecay());
        t.put("validation_fraction", c.validationFraction());
        t.put("patience", c.patience());
        extra.accept(t);
        t.put("partitions", partitions);
        t.put("master", sc.master());
        putApplication(t, sc);
        return t;
    }

    /** The {@code data} section: path, SHA-256 and size of each input file. */
    public static void putData(ObjectNode meta, LabeledIdxFiles train, LabeledIdxFiles test) {
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
    public static ObjectNode putMetrics(ObjectNode meta, EpochMetrics last) {
        ObjectNode m = meta.putObject("metrics");
        m.put("epoch", last.epoch());
        m.put("train_loss", last.trainLoss());
        m.put("train_error_pct", last.trainErrorPct());
        m.put("test_loss", last.testLoss());
        m.put("test_error_pct", last.testErrorPct());
        return m;
    }

    /** What Spark held of the cached sets, as fields of a metrics line or summary. */
    public static void putCache(ObjectNode o, CacheReport c) {
        o.put("cache_data_bytes", c.dataBytes());
        o.put("cache_memory_bytes", c.memoryBytes());
        o.put("cache_disk_bytes", c.diskBytes());
        o.put("cache_partitions", c.partitions());
        o.put("cache_partitions_cached", c.cached());
        o.put("cache_all_in_memory", c.allInMemory());
        o.put("cache_fits_with", c.setting());
    }

    /** The {@code history} section: every epoch's metrics. */
    public static void putHistory(ObjectNode meta, List<EpochMetrics> history) {
        ArrayNode h = meta.putArray("history");
        for (EpochMetrics e : history) {
            h.add(EpochMetricsJson.toJson(e));
        }
    }
}
