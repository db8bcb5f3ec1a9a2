package shallownet.cli;

import java.util.Map;
import shallownet.InvalidSettingException;
import shallownet.SettingWords;

/**
 * The command line's words for the core's settings: the flag of a setting is {@code --} and its
 * core name in kebab case ({@code batchSize}: {@code --batch-size}, {@code driverMemory}:
 * spark-submit's {@code --driver-memory}), except for the few flags below.
 */
final class SettingFlags {

    /** Flags that are not the core name in kebab case: the learning rate's family and the gate's limits. */
    static final Map<String, String> EXCEPTIONS = Map.of("learningRate", "--lr", "decay", "--lr-decay",
            "stepEpochs", "--lr-step-epochs", "schedule", "--lr-schedule", "maxTestErrorPct", "--max-test-error",
            "maxRegressionPct", "--max-regression");

    private SettingFlags() {
    }

    /** The flag of a core setting. */
    static String flag(String setting) {
        return EXCEPTIONS.getOrDefault(setting, "--" + String.join("-", SettingWords.words(setting)));
    }

    /** The failure's message with flags for the core's names. */
    static String message(InvalidSettingException e) {
        return e.message(SettingFlags::flag);
    }
}
