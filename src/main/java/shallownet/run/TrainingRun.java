package shallownet.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.SettingWords;
import shallownet.data.CachedSets;
import shallownet.model.ModelFiles;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.report.PhaseTimes;
import shallownet.report.ReportAssembly;
import shallownet.report.TrainingReport;
import shallownet.train.DivergenceGuard;
import shallownet.train.SparkBackend;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;
import shallownet.train.TrainingState;

/**
 * One training run on Spark, the part {@code train} and {@code retrain} share: load and cache the
 * sets, train (or resume) with the progress line, epoch log lines, metrics file and divergence
 * guard, checkpoint as it goes, and time every phase for the report. Around it, {@code train}
 * adds where the starting weights come from and where the model goes; {@link RetrainRun} adds
 * the store: its lock, the champion, the gate and the history.
 */
public final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    /**
     * How a run shows itself: the progress display, {@code quiet} (no info lines), and where it
     * says what an interruption at this point would leave behind (the command line prints it).
     */
    public record Display(ProgressLine.Mode progress, boolean quiet, Consumer<String> outcome) {
    }

    /** How a starting model does not fit the data or the recipe: what it has, and what is wanted. */
    public record Mismatch(Kind kind, int model, int wanted) {
        public enum Kind {
            /** The model's inputs against the images' pixels. */
            INPUTS,
            /** The model's outputs against the recipe's classes. */
            OUTPUTS,
            /** The model's hidden units against the hidden size asked for. */
            HIDDEN
        }
    }

    private final JavaSparkContext sc;
    private final LabeledIdxFiles trainFiles;
    private final LabeledIdxFiles testFiles;
    private final int partitions;
    private final Display display;
    private final PhaseTimes phases;
    private CachedSets sets;

    public TrainingRun(JavaSparkContext sc, LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles, int partitions,
                       Display display, PhaseTimes phases) {
        this.sc = sc;
        this.trainFiles = trainFiles;
        this.testFiles = testFiles;
        this.partitions = partitions;
        this.display = display;
        this.phases = phases;
    }

    /**
     * The first way a starting model of shape {@code model} does not fit images of {@code pixels}
     * pixels, {@code classes} classes and (if not null) {@code hidden} hidden units, if any.
     */
    public static Optional<Mismatch> mismatch(NetworkShape model, int pixels, int classes, Integer hidden) {
        if (model.inputs() != pixels) {
            return Optional.of(new Mismatch(Mismatch.Kind.INPUTS, model.inputs(), pixels));
        }
        if (model.outputs() != classes) {
            return Optional.of(new Mismatch(Mismatch.Kind.OUTPUTS, model.outputs(), classes));
        }
        if (hidden != null && hidden != model.hidden()) {
            return Optional.of(new Mismatch(Mismatch.Kind.HIDDEN, model.hidden(), hidden));
        }
        return Optional.empty();
    }

    /** Loads and caches both sets (the phase "load and cache the data") and logs what Spark holds. */
    public CachedSets load() {
        sets = CachedSets.load(sc, trainFiles, testFiles, partitions);
        phases.lap("load and cache the data");
        // A warning when anything is not in memory (also when quiet), else info.
        if (!sets.cache().allInMemory()) {
            LOG.warn(sets.cache().line());
        } else if (!display.quiet()) {
            LOG.info(sets.cache().line());
        }
        return sets;
    }

    /**
     * Trains from {@code initial}, or resumes from {@code resume}, on the loaded sets. Every epoch
     * goes to the log and {@code metrics}; the guard sees every step; with {@code checkpointEvery}
     * above 0 the state goes to {@code checkpoint} that often. Closes the training phases.
     */
    public Trainer.Result train(TrainingConfig config, NetworkShape shape, float[] initial,
                                Optional<TrainingState> resume, DivergenceGuard guard, MetricsFile metrics,
                                int checkpointEvery, Consumer<TrainingState> checkpoint) {
        if (sets == null) {
            throw new IllegalStateException("load() the sets first");
        }
        resume.ifPresent(s -> guard.initialLoss(s.history().get(0).trainLoss()));
        // A resumed run's metrics file holds every epoch, those of the attempts before it too.
        resume.ifPresent(s -> s.history().forEach(metrics::epoch));
        RunListener listener = new RunListener(config, display.progress(), display.quiet(), metrics, guard);
        SparkBackend backend = new SparkBackend(sc, shape, sets.train(), trainFiles.count(), sets.test());
        if (!display.quiet()) {
            LOG.info("a step is {} task(s), one per executor, merged by a tree of depth {}", backend.tasksPerStep(),
                    backend.treeDepthOfSteps());
        }
        Trainer trainer = new Trainer(config, shape, backend, listener);
        if (checkpointEvery > 0) {
            trainer.checkpointEvery(checkpointEvery, checkpoint);
        }
        Trainer.Result result;
        try {
            result = resume.isPresent() ? trainer.resume(resume.get()) : trainer.train(initial);
        } finally {
            listener.done();
        }
        phases.training(listener.stepSeconds());
        return result;
    }

    /**
     * After the model is written to {@code out}: the metrics file's last line, the report (when
     * {@code report} is set; {@code options} is its configuration table) and the run's closing
     * lines. A failure of either output says that the model was written.
     */
    public void finish(MetricsFile metrics, TrainingConfig config, NetworkShape shape, Trainer.Result result,
                       String out, double total, String report, Supplier<List<TrainingReport.Entry>> options) {
        try {
            metrics.last(result.returned(), out, total, sc);
            if (report != null) {
                RunReport.evaluateAndWrite(sc, sc.hadoopConfiguration(), report, "shallownet training report", shape,
                        sets.test(), config, options.get(), trainFiles, testFiles, result, phases, out,
                        List.of(ReportAssembly.cacheSection(sets.cache())));
                if (!display.quiet()) {
                    LOG.info("report written to {}", report);
                }
            }
        } catch (CommandFailure e) {
            throw new CommandFailure(e.getMessage() + "; the model was written to " + out, e);
        }
        if (!display.quiet()) {
            LOG.info("model written to {}; {} {} in {} s; {} steps, median {} ms (p90 {} ms); test error {} %", out,
                    config.epochs(), (config.fullBatch() ? "iteration" : "epoch") + (config.epochs() == 1 ? "" : "s"),
                    String.format("%.1f", result.seconds()), result.steps().steps(),
                    String.format("%.2f", result.steps().medianMs()), String.format("%.2f", result.steps().p90Ms()),
                    String.format("%.2f", result.returned().testErrorPct()));
            if (result.bestEpoch() >= 0) {
                LOG.info("early stopping: {}; kept the weights of epoch {} (best validation loss)",
                        result.stoppedEarly() ? "stopped after epoch " + result.last().epoch() : "ran all epochs",
                        result.bestEpoch());
            }
        }
    }

    /**
     * Writes the model; if that fails after training (disk full, the directory taken meanwhile),
     * the trained weights are written to a local temporary directory instead, and the one error
     * line names it: a finished run is not thrown away.
     */
    public static void save(Configuration hadoop, String out, NetworkShape shape, float[] params, ObjectNode meta,
                             boolean overwrite) {
        try {
            ModelFiles.save(hadoop, out, shape, params, meta, overwrite);
            return;
        } catch (IOException | RuntimeException | FSError e) {
            String kept;
            String fallback = new java.io.File(System.getProperty("java.io.tmpdir"), "shallownet-unsaved-"
                    + Instant.now().toString().replace(":", "").replaceAll("\\.\\d+Z$", "Z")).getAbsolutePath();
            try {
                ModelFiles.save(new Configuration(), "file://" + fallback, shape, params, meta, false);
                kept = "the trained weights were kept in " + fallback;
            } catch (IOException | RuntimeException | FSError e2) {
                kept = "the trained weights could not be kept either (" + CommandFailure.rootMessage(e2) + ")";
            }
            // No cause: a BadInputException in the chain would turn this into exit 2 with its own message.
            // A refusal that names settings (the directory taken meanwhile) keeps them, for the caller's words.
            Object why = e instanceof BadInputException b && b.words() != null ? b.words() : CommandFailure.rootMessage(e);
            CommandFailure f = new CommandFailure(SettingWords.of("could not write the model to " + out + " (", why,
                    "); " + kept));
            f.addSuppressed(e);
            throw f;
        }
    }
}
