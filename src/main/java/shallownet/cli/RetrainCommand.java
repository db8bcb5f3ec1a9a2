package shallownet.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.BadInputException;
import shallownet.data.CacheReport;
import shallownet.data.CachedSets;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.report.TrainingReport;
import shallownet.report.PhaseTimes;
import shallownet.report.ReportAssembly;
import shallownet.run.MetricsFile;
import shallownet.run.ModelMetadata;
import shallownet.run.RunReport;
import shallownet.run.TrainingRun;
import shallownet.store.ModelStore;
import shallownet.store.QualityGate;
import shallownet.store.RunIds;
import shallownet.store.RunCheckpoints;
import shallownet.store.StoreLock;
import shallownet.train.DivergedException;
import shallownet.train.EpochMetrics;
import shallownet.train.SparkBackend;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;
import shallownet.train.TrainingState;

/**
 * The scheduled job: validates the data, takes the store's lock, warm-starts from the champion
 * (or starts from scratch), resumes from the run's last checkpoint if an earlier attempt was
 * killed, trains, evaluates candidate and champion on the same test set, writes the candidate as
 * a new immutable version and promotes it only if the quality gate passes. Exit codes: 0 promoted,
 * 2 bad input, 3 trained but not promoted, 4 store locked, 5 diverged, 1 anything else.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, description = "Scheduled retraining against a model "
        + "store: warm-start from the champion, checkpoint, resume, promote only through the quality gate.")
final class RetrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    /** What Spark held of the cached sets, for the report. */
    private CacheReport cache;

    @Mixin
    CommonOptions common;

    @Mixin
    SparkOptions spark;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    RecipeOptions recipe;

    @Mixin
    RunOutputOptions output;

    @Option(names = "--data", description = "Data directory with the four MNIST-layout IDX files, raw or .gz "
            + "(default: data/mnist, fetched when missing).")
    String data;

    @Option(names = "--from-scratch", description = "Start from fresh weights even when there is a champion.")
    boolean fromScratch;

    @Option(names = "--run-id", description = "Run id (default: derived from the recipe, the starting model, the "
            + "data fingerprints and the partition count, so that a rerun of a killed run resumes it).")
    String runId;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Write the training state every N steps "
            + "(and the step-count boundary is also taken at the end of an epoch); 0: never (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--max-test-error", defaultValue = "10", description = "Quality gate: the candidate's test "
            + "error in percent must be at most this (default: ${DEFAULT-VALUE}).")
    double maxTestError;

    @Option(names = "--max-regression", defaultValue = "0.5", description = "Quality gate: the candidate's test "
            + "error may exceed the champion's, on the same test set, by at most this many percentage points "
            + "(default: ${DEFAULT-VALUE}).")
    double maxRegression;

    @Mixin
    DivergenceOptions divergence;

    /** Wall time of the run's phases, for the report. */
    private final PhaseTimes phases = new PhaseTimes();
    /** The --data directory as resolved (fetched when missing). */
    private String dataDir;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        String startedAt = Instant.now().toString();
        QualityGate gate = new QualityGate(maxTestError, maxRegression);
        recipe.recipe(recipe.hiddenOrDefault());
        output.check(common.quiet);
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
        divergence.check();
        // The id names a directory of the store: no '/', and no '.' first ('.' and '..' are not
        // names of their own; hidden names are the store's temporary files).
        if (runId != null && !runId.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("--run-id must be 1-100 letters, digits, '.', '_' or '-', not starting "
                    + "with '.', got " + runId);
        }
        storeOptions.lockTimeout();
        storeOptions.lockWait();

        // Everything that can be wrong with the outputs and the input is found here, before the
        // store is touched and before Spark starts.
        Configuration hadoop = DriverHadoopConf.get();
        OutputPaths outputs = new OutputPaths(hadoop).input("--data", data != null ? data : DataLocation.DEFAULT_DIR);
        outputs.store("--store", storeOptions.store);
        outputs.file("--report", output.report);
        dataDir = DataLocation.resolve(data, common.quiet);
        LabeledIdxFiles trainFiles = DataDirectory.train(hadoop, dataDir, recipe.classes);
        LabeledIdxFiles testFiles = DataDirectory.test(hadoop, dataDir, recipe.classes);
        DataDirectory.checkSameImageSize(trainFiles, testFiles);
        ResourceCheck.before(spark, recipe, false, trainFiles, null);
        DataDirectory.checkNotEmpty(trainFiles, testFiles);
        ModelStore store = ModelStore.at(hadoop, storeOptions.store);
        Plan plan = plan(store, trainFiles);
        phases.lap("validate input files (SHA-256)");

        try (JavaSparkContext sc = spark.start("shallownet retrain")) {
            phases.lap("start Spark");
            int partitions = spark.partitions(sc);
            String id = runId != null ? runId : RunIds.derive(plan.key(trainFiles, testFiles, partitions));
            try (StoreLock lock = storeOptions.lock(store, "retrain").runId(id).acquire()) {
                phases.lap("take the store's lock");
                lock.tookOverFrom().ifPresent(dead -> info("took over the store's lock from a dead run: {}", dead));
                Interruption.outcome("nothing was promoted; rerun the same command to resume from the last checkpoint");
                // Another run may have promoted while this one waited for the lock: start from,
                // and compare with, the champion as it is now.
                Plan now = plan(store, trainFiles);
                if (!now.start().equals(plan.start())) {
                    info("the champion changed while waiting for the lock: now {}", now.start());
                    plan = now;
                    id = runId != null ? runId : RunIds.derive(plan.key(trainFiles, testFiles, partitions));
                }
                ObjectNode summary = ModelFiles.json().createObjectNode();
                summary.put("run_id", id);
                summary.put("started", startedAt);
                ModelMetadata.putApplication(summary, sc);
                summary.put("store", storeOptions.store);
                summary.put("start", plan.start());
                try {
                    return retrain(new Attempt(sc, store, lock, id, plan, trainFiles, testFiles, partitions), gate,
                            started, summary);
                } catch (DivergedException e) {
                    throw e; // recorded already
                } catch (Exception e) {
                    int code = ExitCode.of(e).code();
                    if (code != ExitCode.LOCK_HELD.code()) { // without the lock, leave the store alone
                        summary.put("status", "failed");
                        // One line, not a trace: the history is read by people and dashboards.
                        summary.put("error", Interruption.requested() ? "interrupted (SIGTERM or Ctrl-C)"
                                : Main.errorLine(e, true).substring("error: ".length()));
                        summary.put("promoted", false);
                        try {
                            finish(store, summary, started, code);
                        } catch (java.io.IOException | RuntimeException suppressed) {
                            e.addSuppressed(suppressed);
                        }
                    }
                    throw e;
                }
            }
        }
    }

    /**
     * Where training starts: the champion (its version, model) unless there is none or
     * {@code --from-scratch}; the network shape, initial weights, recipe, and a description of the
     * start that names the starting weights by SHA-256.
     */
    record Plan(Optional<Integer> championVersion, SavedModel champion, NetworkShape shape, float[] initial,
                TrainingConfig config, String start) {
        String key(LabeledIdxFiles train, LabeledIdxFiles test, int partitions) {
            return RunIds.key(config, shape, start, train, test, partitions);
        }
    }

    private Plan plan(ModelStore store, LabeledIdxFiles trainFiles) throws java.io.IOException {
        Optional<Integer> championVersion = store.champion();
        SavedModel champion = championVersion.isPresent() ? store.load(championVersion.get()) : null;
        boolean warm = champion != null && !fromScratch;
        NetworkShape shape;
        float[] initial;
        if (warm) {
            shape = champion.shape();
            checkFits(store, championVersion.get(), champion, trainFiles);
            initial = champion.params();
        } else {
            shape = new NetworkShape(trainFiles.pixelsPerImage(), recipe.hiddenOrDefault(), recipe.classes);
            initial = WeightInit.initShallow(shape, recipe.seed);
        }
        String start = warm ? "champion " + ModelStore.name(championVersion.get()) + " sha256 "
                + ModelFiles.sha256(ModelFiles.toBytes(initial)) : "scratch";
        return new Plan(championVersion, champion, shape, initial, recipe.recipe(shape.hidden()), start);
    }

    /** One attempt of a run: the store held under its lock, the run's id, where it starts, the data. */
    record Attempt(JavaSparkContext sc, ModelStore store, StoreLock lock, String id, Plan plan,
                   LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles, int partitions) {
        String key() {
            return plan.key(trainFiles, testFiles, partitions);
        }
    }

    private int retrain(Attempt a, QualityGate gate, long started, ObjectNode summary) throws Exception {
        JavaSparkContext sc = a.sc();
        ModelStore store = a.store();
        String id = a.id();
        TrainingConfig config = a.plan().config();
        NetworkShape shape = a.plan().shape();
        String start = a.plan().start();
        Optional<Integer> championVersion = a.plan().championVersion();
        SavedModel champion = a.plan().champion();
        LabeledIdxFiles trainFiles = a.trainFiles();
        LabeledIdxFiles testFiles = a.testFiles();
        int partitions = a.partitions();
        RunCheckpoints run = store.run(id, a.key());
        int leftovers = store.removeLeftovers(a.lock());
        if (leftovers > 0) {
            info("removed {} temporary files or directories left by killed runs", leftovers);
        }
        ObjectNode finished = run.outcome();
        if (finished != null) {
            info("run {} already finished: {}", id, finished);
            summary.put("status", "already_finished");
            summary.set("outcome", finished);
            return finish(store, summary, started, finished.path("exit_code").asInt(ExitCode.OK.code()));
        }
        info("run {} on store {} ({}, {}), champion {}, starting from {}", id, storeOptions.store, sc.master(),
                ModelMetadata.describeApplication(sc), championVersion.map(ModelStore::name).orElse("none"), start);

        TrainingRun training = new TrainingRun(sc, trainFiles, testFiles, partitions, output.display(common.quiet),
                phases);
        CachedSets sets = training.load();
        JavaRDD<SampleBlock> test = sets.test();
        cache = sets.cache();
        ModelMetadata.putCache(summary.putObject("cache"), cache);
        double championError = Double.NaN;
        if (champion != null && champion.shape().inputs() == shape.inputs()
                && champion.shape().outputs() == shape.outputs()) {
            EvalSums c = SparkBackend.evaluate(sc, champion.shape(), test, champion.params(),
                    "evaluate the champion on the test set");
            championError = c.errorPercent();
            info("champion {} on this test set: loss {} error {} %", ModelStore.name(championVersion.get()),
                    String.format("%.6f", c.loss()), String.format("%.3f", championError));
            phases.lap("evaluate the champion");
        }

        Optional<ModelStore.VersionInfo> saved = store.versionOfRun(id);
        int version;
        double candidateError;
        QualityGate.Verdict verdict;
        Trainer.Result result = null; // stays null when an earlier attempt already wrote the version
        if (saved.isPresent()) {
            // Killed after writing its version: the training is done, only the gate remains.
            version = saved.get().version();
            candidateError = saved.get().metadata().path("metrics").path("test_error_pct").asDouble();
            verdict = gate.judge(candidateError, championError);
            info("run {} already wrote version {}; judging it", id, ModelStore.name(version));
        } else {
            Optional<TrainingState> resume = run.latest(SettingFlags::flag, m -> LOG.warn(m));
            resume.ifPresent(s -> info("resuming from the checkpoint after step {} (epoch {}, step {})",
                    s.stepsDone(), s.epoch(), s.nextStep() + 1));
            try {
                result = training.train(config, shape, a.plan().initial(), resume, divergence.guard(),
                        MetricsFile.none(), checkpointEvery, s -> {
                            try {
                                run.write(s);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
            } catch (DivergedException e) {
                summary.put("status", "diverged");
                summary.put("error", e.message(SettingFlags::flag));
                summary.put("exit_code", ExitCode.DIVERGED.code());
                summary.put("promoted", false);
                finish(store, summary, started, ExitCode.DIVERGED.code());
                throw e;
            }
            EpochMetrics m = result.returned();
            candidateError = m.testErrorPct();
            verdict = gate.judge(candidateError, championError);
            ObjectNode meta = metadata(sc, config, partitions, trainFiles, testFiles, result, id, start, verdict,
                    championVersion);
            a.lock().checkStillHeld();
            version = store.addVersion(shape, result.params(), meta);
            info("version {} written: test error {} %", ModelStore.name(version), String.format("%.3f", candidateError));
            phases.lap("write the version");
        }
        summary.put("version", ModelStore.name(version));
        summary.put("candidate_test_error_pct", candidateError);
        if (Double.isNaN(championError)) {
            summary.putNull("champion_test_error_pct");
        } else {
            summary.put("champion_test_error_pct", championError);
        }
        summary.set("gate", verdict.toJson());
        int code;
        if (verdict.passed()) {
            store.promote(a.lock(), version, "retrain", "quality gate passed: " + verdict.reason());
            info("gate passed ({}); champion is now {}", verdict.reason(), ModelStore.name(version));
            summary.put("status", "promoted");
            summary.put("promoted", true);
            code = ExitCode.OK.code();
        } else {
            info("gate failed ({}); version {} kept as a rejected candidate, champion stays {}", verdict.reason(),
                    ModelStore.name(version), championVersion.map(ModelStore::name).orElse("none"));
            summary.put("status", "rejected");
            summary.put("promoted", false);
            code = ExitCode.NOT_PROMOTED.code();
        }
        phases.lap("quality gate and promotion");
        String championNow = store.champion().map(ModelStore::name).orElse(null);
        summary.put("champion", championNow);
        if (output.report != null) {
            report(sc, store, id, start, shape, test, config, partitions, trainFiles, testFiles, result, version,
                    verdict, championVersion, championNow, summary);
        }
        ObjectNode outcome = ModelFiles.json().createObjectNode();
        outcome.put("version", ModelStore.name(version));
        outcome.put("promoted", verdict.passed());
        outcome.put("exit_code", code);
        run.finish(outcome);
        return finish(store, summary, started, code);
    }

    /**
     * The HTML report, also for a candidate the gate rejected. The model's fate is settled by now,
     * so a report that cannot be written is a warning (and {@code report_error} in the summary),
     * not a failed run.
     */
    private void report(JavaSparkContext sc, ModelStore store, String id, String start, NetworkShape shape,
                        JavaRDD<SampleBlock> test, TrainingConfig config, int partitions, LabeledIdxFiles trainFiles,
                        LabeledIdxFiles testFiles, Trainer.Result result, int version, QualityGate.Verdict verdict,
                        Optional<Integer> championBefore, String championNow, ObjectNode summary) {
        if (result == null) {
            LOG.warn("no report: an earlier attempt of run {} trained version {}; this one only judged it", id,
                    ModelStore.name(version));
            return;
        }
        String name = ModelStore.name(version);
        String before = championBefore.map(ModelStore::name).orElse("none");
        List<TrainingReport.Entry> gateRows = List.of(
                ReportAssembly.entry("verdict", verdict.passed() ? "passed" : "failed"),
                ReportAssembly.entry("reason", verdict.reason()),
                ReportAssembly.entry("candidate test error", String.format(Locale.ROOT, "%.2f %%", verdict.candidateErrorPct())),
                ReportAssembly.entry("champion test error, same test set", Double.isNaN(verdict.championErrorPct())
                        ? "none (no champion)" : String.format(Locale.ROOT, "%.2f %% (%s)", verdict.championErrorPct(), before)),
                ReportAssembly.entry("maximum test error (--max-test-error)",
                        String.format(Locale.ROOT, "%.2f %%", verdict.gate().maxTestErrorPct())),
                ReportAssembly.entry("maximum regression (--max-regression)",
                        String.format(Locale.ROOT, "%.2f points", verdict.gate().maxRegressionPct())),
                ReportAssembly.entry("version", name),
                ReportAssembly.entry("outcome", verdict.passed() ? "promoted: the champion is now " + name
                        : "not promoted: " + name + " kept as a rejected candidate, the champion stays " + before),
                ReportAssembly.entry("champion after the run", championNow == null ? "none" : championNow),
                ReportAssembly.entry("run id", id),
                ReportAssembly.entry("started from", start));
        List<TrainingReport.Entry> options = new ArrayList<>(recipe.reportEntries(config));
        options.add(ReportAssembly.entry("store", storeOptions.store));
        options.add(ReportAssembly.entry("from scratch (--from-scratch)", fromScratch));
        options.add(ReportAssembly.entry("checkpoint every (steps)", checkpointEvery));
        options.add(ReportAssembly.entry("max loss factor (divergence guard)", divergence.maxLossFactor));
        options.addAll(RunReport.whereEntries(sc, dataDir, partitions));
        try {
            RunReport.evaluateAndWrite(sc, sc.hadoopConfiguration(), output.report, "shallownet retrain report",
                    shape, test, config, options, trainFiles, testFiles, result, phases,
                    store.root() + "/versions/" + name,
                    List.of(new TrainingReport.Section("gate", "Quality gate and promotion", gateRows),
                            ReportAssembly.cacheSection(cache)));
            summary.put("report", output.report);
            info("report written to {}", output.report);
        } catch (RuntimeException e) {
            LOG.warn("could not write the report {}: {}", output.report, e.getMessage());
            summary.put("report_error", String.valueOf(e.getMessage()));
        }
    }

    private int finish(ModelStore store, ObjectNode summary, long started, int code) throws java.io.IOException {
        summary.put("finished", Instant.now().toString());
        summary.put("duration_s", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
        summary.put("exit_code", code);
        store.appendHistory(summary);
        // The run's summary on stdout too, for a scheduler to pick up (e.g. Airflow's XCom).
        System.out.println(summary);
        System.out.flush();
        return code;
    }

    private void info(String format, Object... args) {
        if (!common.quiet) {
            LOG.info(format, args);
        }
    }

    /** The champion must fit the data and the recipe to warm-start from it; else --from-scratch. */
    private void checkFits(ModelStore store, int version, SavedModel m, LabeledIdxFiles files) {
        String where = store.root() + "/versions/" + ModelStore.name(version);
        TrainingRun.mismatch(m.shape(), files.pixelsPerImage(), recipe.classes, recipe.hidden).ifPresent(x -> {
            throw switch (x.kind()) {
                case INPUTS -> BadInputException.about(files.imagesPath(), "images have " + x.wanted()
                        + " pixels, but the champion " + where + " has " + x.model() + " inputs (use --from-scratch)");
                case OUTPUTS -> BadInputException.about(where, "has " + x.model() + " outputs, but --classes is "
                        + x.wanted() + " (use --from-scratch)");
                case HIDDEN -> BadInputException.about(where, "has " + x.model() + " hidden units, but --hidden is "
                        + x.wanted() + " (use --from-scratch)");
            };
        });
    }

    private ObjectNode metadata(JavaSparkContext sc, TrainingConfig c, int partitions, LabeledIdxFiles train,
                                LabeledIdxFiles test, Trainer.Result result, String id, String start,
                                QualityGate.Verdict verdict, Optional<Integer> championVersion) {
        ObjectNode meta = ModelMetadata.create(sc);
        ObjectNode s = meta.putObject("store");
        s.put("run_id", id);
        s.put("start", start);
        s.put("champion_at_training", championVersion.map(ModelStore::name).orElse(null));
        s.set("gate", verdict.toJson());
        ModelMetadata.putTraining(meta, c, recipe.preset, partitions, sc, t -> {
            t.put("config", c.toString());
            t.put("eval_every", c.evalEvery());
        }).put("checkpoint_every", checkpointEvery).put("from_scratch", fromScratch);
        ModelMetadata.putData(meta, train, test);
        ModelMetadata.putMetrics(meta, result.returned()).put("seconds_training_this_attempt", result.seconds());
        ModelMetadata.putHistory(meta, result.history());
        return meta;
    }
}
