package shallownet.store;

import java.nio.charset.StandardCharsets;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.train.TrainingConfig;

/**
 * Which checkpoints a run resumes: a run's key is everything that determines the trained bits,
 * and its default id a digest of the key, so that a rerun of a killed run finds its checkpoints
 * ({@link RunCheckpoints} refuses those of another key).
 */
public final class RunIds {

    private RunIds() {
    }

    /** Everything that determines the trained bits; checkpoints of another key are not resumed. */
    public static String key(TrainingConfig c, NetworkShape shape, String start, LabeledIdxFiles train,
                             LabeledIdxFiles test, int partitions) {
        return String.join("\n", c.toString(), shape.toString(), start, train.imagesSha256(),
                train.labelsSha256(), test.imagesSha256(), test.labelsSha256(), "partitions=" + partitions);
    }

    /** The default run id of a key. */
    public static String derive(String key) {
        return "run-" + ModelFiles.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
