package shallownet.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import shallownet.AtomicFile;
import shallownet.CommandFailure;
import shallownet.data.CacheReport;
import shallownet.model.ModelFiles;
import shallownet.train.EpochMetrics;
import shallownet.train.EpochMetricsJson;

/**
 * The run's metrics as JSON Lines, one line per evaluated epoch and a final line, rewritten whole
 * through {@link AtomicFile} after each epoch so that a reader never sees half a line. A null
 * path writes nothing.
 */
public final class MetricsFile {

    private final Configuration conf;
    private final String path;
    private final Consumer<String> outcome;
    private final List<String> lines = new ArrayList<>();
    private CacheReport cache;

    /**
     * @param outcome told, once the first line is written, what an interrupted run leaves behind
     */
    public MetricsFile(Configuration conf, String path, Consumer<String> outcome) {
        this.conf = conf;
        this.path = path;
        this.outcome = outcome;
    }

    /** A metrics file that writes nothing. */
    public static MetricsFile none() {
        return new MetricsFile(null, null, m -> { });
    }

    /** What Spark held of the cached sets: its fields go on the final line. */
    public void cache(CacheReport c) {
        this.cache = c;
    }

    public void epoch(EpochMetrics m) {
        append(EpochMetricsJson.toJson(m));
    }

    /** The final line: the returned epoch's metrics, the model written, the total time, the application. */
    public void last(EpochMetrics m, String model, double total, JavaSparkContext sc) {
        ObjectNode o = ModelFiles.json().createObjectNode();
        o.put("final", true);
        o.setAll(EpochMetricsJson.toJson(m));
        o.put("model", model);
        o.put("seconds_total", total);
        ModelMetadata.putApplication(o, sc);
        if (cache != null) {
            ModelMetadata.putCache(o, cache);
        }
        append(o);
    }

    private void append(ObjectNode o) {
        if (path == null) {
            return;
        }
        lines.add(o.toString());
        try {
            AtomicFile.write(conf, path, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CommandFailure("could not write " + path + ": " + CommandFailure.rootMessage(e), e);
        }
        if (lines.size() == 1) {
            // The file is written as the run goes (epoch 0 first), so an interrupted run leaves it.
            outcome.accept("the model was not written; " + path + " holds the metrics of the epochs done so far");
        }
    }
}
