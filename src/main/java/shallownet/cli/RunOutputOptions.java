package shallownet.cli;

import picocli.CommandLine.Option;
import shallownet.run.ProgressLine;
import shallownet.run.TrainingRun;

/** What a training run ({@code train}, {@code retrain}) shows while it runs and writes when done. */
final class RunOutputOptions {

    @Option(names = "--progress", defaultValue = "auto", description = "Progress within epochs: auto (an updating "
            + "line at a terminal, a log line every 30 s otherwise), line, log or off; --quiet turns it off "
            + "(default: ${DEFAULT-VALUE}).") String progress;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a self-contained HTML report of the run "
            + "(curves, confusion matrix, misclassified digits, configuration, timings; for retrain also the "
            + "quality gate's verdict and the promotion) to this file.") String report;

    /** Rejects a bad --progress before any work. */
    void check(boolean quiet) {
        ProgressLine.Mode.choose(progress, quiet, false);
    }

    /** How the run shows itself; what an interruption leaves goes to {@link Interruption}. */
    TrainingRun.Display display(boolean quiet) {
        return new TrainingRun.Display(ProgressLine.Mode.choose(progress, quiet, System.console() != null), quiet,
                Interruption::outcome);
    }
}
