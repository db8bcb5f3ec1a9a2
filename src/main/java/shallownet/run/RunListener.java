package shallownet.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shallownet.train.EpochMetrics;
import shallownet.train.TrainingConfig;
import shallownet.train.TrainingListener;

/**
 * What a training run shows and records as it goes, the same for {@code train} and {@code retrain}:
 * the progress line on stderr (or log lines), one log line per evaluated epoch (neither when
 * quiet), the metrics file, and the time spent in steps for the report's phases. {@code also}
 * gets every event too (the divergence guard).
 */
public final class RunListener implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    private final TrainingConfig config;
    private final boolean quiet;
    private final ProgressLine progress;
    private final MetricsFile metrics;
    private final TrainingListener also;
    private long stepNanos;

    public RunListener(TrainingConfig config, ProgressLine.Mode mode, boolean quiet, MetricsFile metrics,
                       TrainingListener also) {
        this.config = config;
        this.quiet = quiet;
        this.metrics = metrics;
        this.also = also;
        // A log line every 30 s when not at a terminal: cluster logs stay short.
        this.progress = new ProgressLine(mode, config.fullBatch() ? "iteration" : "epoch", config.epochs(),
                config.classes(), System::nanoTime, text -> {
                    System.err.print(text);
                    System.err.flush();
                }, LOG::info, 30_000_000_000L);
    }

    @Override
    public void onStep(StepProgress s) {
        stepNanos += s.nanos();
        progress.step(s.epoch(), s.step(), s.stepsPerEpoch(), s.lossSum(), s.samples());
        also.onStep(s);
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        progress.clear();
        if (!quiet) {
            LOG.info(EpochLine.format(m, config));
        }
        metrics.epoch(m);
        also.onEpoch(m);
    }

    /** Clears the progress line; call when training ends, also when it fails. */
    public void done() {
        progress.clear();
    }

    /** Wall time of the steps so far (gradient and update), without the evaluations. */
    public double stepSeconds() {
        return stepNanos / 1e9;
    }
}
