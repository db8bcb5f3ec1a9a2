package shallownet.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one named encoding of {@link EpochMetrics}, for every file that holds them: a line of
 * {@code --metrics-out}, an element of {@code model.json}'s history and of a checkpoint's. Every
 * field has a name; a figure that is not known (NaN: no validation split, no training time in a
 * history read from an older file) is left out rather than written as a non-number, and a field
 * that is missing reads back as NaN. So a value round-trips exactly (Jackson writes the shortest
 * decimal that parses back to the same double).
 */
public final class EpochMetricsJson {

    public static final String EPOCH = "epoch";
    public static final String TRAIN_LOSS = "train_loss";
    public static final String TRAIN_ERROR_PCT = "train_error_pct";
    public static final String TEST_LOSS = "test_loss";
    public static final String TEST_ERROR_PCT = "test_error_pct";
    public static final String VALIDATION_LOSS = "validation_loss";
    public static final String VALIDATION_ERROR_PCT = "validation_error_pct";
    public static final String ELAPSED_S = "elapsed_s";
    public static final String EPOCH_S = "epoch_s";
    public static final String TRAIN_S = "train_s";

    private EpochMetricsJson() {
    }

    public static ObjectNode toJson(EpochMetrics m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(EPOCH, m.epoch());
        put(o, TRAIN_LOSS, m.trainLoss());
        put(o, TRAIN_ERROR_PCT, m.trainErrorPct());
        put(o, TEST_LOSS, m.testLoss());
        put(o, TEST_ERROR_PCT, m.testErrorPct());
        put(o, VALIDATION_LOSS, m.validationLoss());
        put(o, VALIDATION_ERROR_PCT, m.validationErrorPct());
        put(o, ELAPSED_S, m.elapsedSeconds());
        put(o, EPOCH_S, m.epochSeconds());
        put(o, TRAIN_S, m.trainSeconds());
        return o;
    }

    /** The metrics of {@code o}; a missing figure is NaN, a non-object or a missing epoch an error. */
    public static EpochMetrics fromJson(JsonNode o) {
        if (o == null || !o.isObject() || !o.path(EPOCH).canConvertToInt()) {
            throw new IllegalArgumentException("not an epoch's metrics: " + o);
        }
        return new EpochMetrics(o.path(EPOCH).asInt(), num(o, TRAIN_LOSS), num(o, TRAIN_ERROR_PCT), num(o, TEST_LOSS),
                num(o, TEST_ERROR_PCT), num(o, ELAPSED_S), num(o, EPOCH_S), num(o, VALIDATION_LOSS),
                num(o, VALIDATION_ERROR_PCT), num(o, TRAIN_S));
    }

    private static void put(ObjectNode o, String name, double v) {
        if (Double.isNaN(v)) {
            return;
        }
        if (Double.isInfinite(v)) {
            o.put(name, v > 0 ? "Infinity" : "-Infinity"); // JSON has no infinity; a diverged loss can be one
        } else {
            o.put(name, v);
        }
    }

    /** Field {@code name} of {@code o} as a figure ({@link #num(JsonNode)}); missing is NaN. */
    public static double num(JsonNode o, String name) {
        try {
            return num(o.path(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a number: " + o.path(name));
        }
    }

    /** A figure: a number, or Jackson's "NaN"/"Infinity" strings; missing or null is NaN. */
    public static double num(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + n);
        }
    }
}
