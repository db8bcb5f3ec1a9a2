package shallownet.store;

import static shallownet.SettingWords.setting;

import java.nio.charset.StandardCharsets;
import shallownet.BadInputException;
import shallownet.SettingWords;
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

    /**
     * The one rule for a run id: it names a directory of the store, so no '/', and no '.' first
     * ('.' and '..' are not names of their own; hidden names are the store's temporary files).
     */
    private static final java.util.regex.Pattern VALID = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

    private RunIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Refuses an id that breaks {@link #VALID}, naming the setting. */
    public static String check(String id) {
        if (!isValid(id)) {
            throw new BadInputException(SettingWords.of(setting("runId"), " must be 1-100 letters, digits, '.', '_' or "
                    + "'-', not starting with '.', got " + id));
        }
        return id;
    }

    /** Everything that determines the trained bits; checkpoints of another key are not resumed. */
    public static String key(TrainingConfig c, NetworkShape shape, String start, LabeledIdxFiles train,
                             LabeledIdxFiles test, int partitions) {
        return String.join("\n", c.toString(), shape.toString(), start, train.imagesSha256(),
                train.labelsSha256(), test.imagesSha256(), test.labelsSha256(), "partitions=" + partitions);
    }

    /**
     * The run after {@code finished} with the same key ({@code --force-new-run}): {@code R.2},
     * then {@code R.3}, ... So a forced run killed before it finished is found again, and
     * resumed, by the same command: the chain is walked to its first run without an outcome.
     */
    public static String successor(String finished) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.*)\\.(\\d+)").matcher(finished);
        if (m.matches() && m.group(1).length() > 0) {
            return m.group(1) + "." + (Integer.parseInt(m.group(2)) + 1);
        }
        return finished + ".2";
    }

    /** Whether {@code id} is {@code base} or one of its {@link #successor successors}. */
    public static boolean inChainOf(String base, String id) {
        return id.equals(base) || (id.startsWith(base + ".") && id.substring(base.length() + 1).matches("\\d+"));
    }

    /** The default run id of a key. */
    public static String derive(String key) {
        return "run-" + ModelFiles.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
