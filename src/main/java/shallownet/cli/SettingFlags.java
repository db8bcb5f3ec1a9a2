package shallownet.cli;

import java.util.Map;
import shallownet.InvalidSettingException;

/** The command line's words for the core's settings: which flag sets each. */
final class SettingFlags {

    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("hidden", "--hidden"), Map.entry("batchSize", "--batch-size"), Map.entry("learningRate", "--lr"),
            Map.entry("epochs", "--epochs"), Map.entry("evalEvery", "--eval-every"), Map.entry("classes", "--classes"),
            Map.entry("validationFraction", "--validation-fraction"), Map.entry("patience", "--patience"),
            Map.entry("momentum", "--momentum"), Map.entry("nesterov", "--nesterov"), Map.entry("decay", "--lr-decay"),
            Map.entry("stepEpochs", "--lr-step-epochs"), Map.entry("weightDecay", "--weight-decay"),
            Map.entry("schedule", "--lr-schedule"), Map.entry("preset", "--preset"),
            Map.entry("partitions", "--partitions"), Map.entry("maxTestErrorPct", "--max-test-error"),
            Map.entry("maxRegressionPct", "--max-regression"), Map.entry("progress", "--progress"),
            Map.entry("maxLossFactor", "--max-loss-factor"), Map.entry("runId", "--run-id"), Map.entry("fromScratch", "--from-scratch"),
            Map.entry("forceNewRun", "--force-new-run"), Map.entry("images", "--images"), Map.entry("data", "--data"),
            Map.entry("modelOut", "--model-out"), Map.entry("overwrite", "--overwrite"), Map.entry("mirror", "--mirror"),
            Map.entry("driverMemory", "--driver-memory"), Map.entry("executorMemory", "--executor-memory"));

    private SettingFlags() {
    }

    /** The flag of a core setting (the setting's own name if no flag sets it). */
    static String flag(String setting) {
        return FLAGS.getOrDefault(setting, setting);
    }

    /** The failure's message with flags for the core's names. */
    static String message(InvalidSettingException e) {
        return e.message(SettingFlags::flag);
    }
}
