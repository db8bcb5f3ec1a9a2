package shallownet.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata properties an exported model carries, taken from a model directory's
 * {@code model.json}: where it sits in a store, what it was trained on (SHA-256 of the training
 * images and labels), how well it did (test error), when and by which shallownet it was trained.
 * A key whose value model.json does not hold is left out rather than written empty.
 */
public final class OnnxMetadata {

    public static final String STORE_VERSION = "store_version";
    public static final String TRAIN_IMAGES_SHA256 = "train_images_sha256";
    public static final String TRAIN_LABELS_SHA256 = "train_labels_sha256";
    public static final String TEST_ERROR_PCT = "test_error_pct";

    private OnnxMetadata() {
    }

    /** The properties of the model whose {@code model.json} is {@code meta}. */
    public static Map<String, String> fromModelJson(JsonNode meta) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, STORE_VERSION, meta.path("store").path("version"));
        put(m, TRAIN_IMAGES_SHA256, meta.path("data").path("train").path("images_sha256"));
        put(m, TRAIN_LABELS_SHA256, meta.path("data").path("train").path("labels_sha256"));
        put(m, TEST_ERROR_PCT, meta.path("metrics").path("test_error_pct"));
        put(m, "trained_with_shallownet", meta.path("shallownet_version"));
        put(m, "created", meta.path("created"));
        return m;
    }

    private static void put(Map<String, String> m, String key, JsonNode value) {
        if (value.isValueNode() && !value.isNull()) {
            m.put(key, value.asText());
        }
    }
}
