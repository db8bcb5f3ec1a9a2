package shallownet.run;

import static shallownet.SettingWords.setting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shallownet.BadInputException;
import shallownet.data.CacheReport;
import shallownet.data.CachedSets;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.report.PhaseTimes;
import shallownet.report.ReportAssembly;
import shallownet.report.TrainingReport;
import shallownet.store.CrashPoints;
import shallownet.store.ModelStore;
import shallownet.store.PromotionHistory;
import shallownet.store.QualityGate;
import shallownet.store.RunCheckpoints;
import shallownet.store.RunIds;
import shallownet.store.StoreLock;
import shallownet.store.StoreLockedException;
import shallownet.train.DivergedException;
import shallownet.train.DivergenceGuard;
import shallownet.train.EpochMetrics;
import shallownet.train.SparkBackend;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;
import shallownet.train.TrainingState;

/**
 * One scheduled retraining against a model store: plans the start (the champion or scratch),
 * takes the store's lock, resumes from the run's last checkpoint if an earlier attempt was
 * killed, trains, evaluates candidate and champion on the same test set, writes the candidate as
 * a new immutable version, promotes it only if the quality gate passes, and appends the run's
 * record to the store's history. It returns an {@link Outcome} or throws a typed failure; what
 * either is called (the exit code the history records, a failure's line, a setting's name) is the
 * caller's, given as {@link Words}.
 */
public final class RetrainRun {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    /** How the run ended when it did not fail. */
    public enum Status {
        /** The candidate passed the gate and is the champion now. */
        PROMOTED,
        /** The candidate was written but the gate rejected it. */
        NOT_PROMOTED,
        /** An earlier attempt of the same run finished; its recorded outcome stands. */
        ALREADY_FINISHED,
        /** An earlier attempt was killed after writing its version; this one completed its writes. */
        RECOVERED
    }

    /** What the run's end means for its version, whichever way it got there; the caller names it (an exit code). */
    public enum Result {
        /** The run's version is the champion now. */
        CHAMPION,
        /** The gate rejected the run's version, and it is not the champion. */
        REJECTED,
        /** A rerun: the run promoted its version, which has since been rolled back or replaced. */
        SUPERSEDED,
        /** Training diverged: the divergence guard stopped it. */
        DIVERGED,
        /** Any other failure. */
        FAILED
    }

    /** How the run ended, and what that means for its version. */
    public record Outcome(Status status, Result result) {
    }

    /**
     * The caller's words in what the run records (history.jsonl, outcome.json, the log): the number
     * recorded as a result's {@code exit_code} (which only the caller knows: the command line's exit
     * code), a failure's one line, and a core setting's name as the user sets it.
     */
    public interface Words {
        /** The number recorded for {@code result}; {@code failure} is the exception of a FAILED run, else null. */
        int code(Result result, Throwable failure);

        /** A failure's one line in the history (no stack trace: people and dashboards read it). */
        String failureLine(Throwable failure);

        /** A core setting ({@code forceNewRun}) as the caller's user names it. */
        String setting(String name);
    }

    /**
     * The store and how this command meets it: the lock's timeout and wait, the run id (null:
     * derived), whether to start from scratch or force a new run, the quality gate, the checkpoint
     * interval (steps; 0: never), and whether each new version gets its {@code model.onnx}.
     */
    public record StoreTarget(String store, Duration lockTimeout, Duration lockWait, String runId, boolean fromScratch,
                              boolean forceNewRun, QualityGate gate, int checkpointEvery, boolean onnx) {
    }

    /**
     * What the run writes besides the store and how it talks: the report and the metrics file (null:
     * none), the data directory as the report names it, the console, and the caller's words.
     */
    public record Outputs(String report, String metricsOut, String dataDir, TrainingRun.Display display, Words words) {
    }

    /** What to run. */
    public record Request(StoreTarget target, Recipe recipe, Outputs outputs) {
    }

    private final StoreTarget target;
    private final Recipe recipe;
    private final Outputs outputs;
    private final Words words;
    private final PhaseTimes phases;
    /** What Spark held of the cached sets, for the report. */
    private CacheReport cache;

    public RetrainRun(Request request, PhaseTimes phases) {
        this.target = request.target();
        this.recipe = request.recipe();
        this.outputs = request.outputs();
        this.words = outputs.words();
        this.phases = phases;
    }

    /**
     * Runs against {@code store} on the validated data; {@code spark} starts Spark,
     * {@code partitionsOf} gives the partition count on it.
     * {@code started} (System.nanoTime) and {@code startedAt} are when the command began.
     */
    public Outcome run(ModelStore store, LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles,
                       Supplier<JavaSparkContext> spark, ToIntFunction<JavaSparkContext> partitionsOf, long started, String startedAt)
            throws Exception {
        Plan plan = plan(store, trainFiles);
        phases.lap("validate input files (SHA-256)");

        try (JavaSparkContext sc = spark.get()) {
            phases.lap("start Spark");
            int partitions = partitionsOf.applyAsInt(sc);
            String runId = target.runId();
            String id = runId != null ? runId : RunIds.derive(plan.key(trainFiles, testFiles, partitions));
            StoreLock.Builder locking = store.lock().command("retrain").timeout(target.lockTimeout())
                    .waitFor(target.lockWait());
            try (StoreLock lock = locking.runId(id).acquire()) {
                phases.lap("take the store's lock");
                lock.tookOverFrom().ifPresent(dead -> info("took over the store's lock from a dead run: {}", dead));
                outputs.display().outcome()
                        .accept("nothing was promoted; rerun the same command to resume from the last checkpoint");
                for (String d : store.damage()) {
                    LOG.warn(d);
                }
                int leftovers = store.removeLeftovers(lock);
                if (leftovers > 0) {
                    info("removed {} temporary files or directories left by killed runs", leftovers);
                }
                if (store.repairCurrent(lock)) {
                    info("CURRENT rewritten to the last promotion's version, {} (a promotion was interrupted, or "
                            + "CURRENT was damaged)", store.champion().map(ModelStore::name).orElse("?"));
                }
                Optional<Outcome> recovered = recover(sc, store, lock, trainFiles, testFiles, partitions, started,
                        startedAt);
                if (recovered.isPresent()) {
                    return recovered.get();
                }
                // Another run may have promoted while this one waited for the lock: start from,
                // and compare with, the champion as it is now.
                Plan now = plan(store, trainFiles);
                if (!now.start().equals(plan.start())) {
                    info("the champion changed while waiting for the lock: now {}", now.start());
                    plan = now;
                    id = runId != null ? runId : RunIds.derive(plan.key(trainFiles, testFiles, partitions));
                }
                if (target.forceNewRun()) {
                    // The finished runs of this key are not reported again: the first run of the
                    // chain without an outcome is this command's (a forced run killed earlier resumes).
                    String first = id;
                    while (store.runOutcome(id) != null) {
                        id = RunIds.successor(id);
                    }
                    if (!id.equals(first)) {
                        info("{}: run {} finished earlier; this is run {}", words.setting("forceNewRun"), first,
                                id);
                    }
                }
                ObjectNode summary = ModelFiles.json().createObjectNode();
                summary.put("run_id", id);
                summary.put("started", startedAt);
                ModelMetadata.putApplication(summary, sc);
                summary.put("store", target.store());
                summary.put("start", plan.start());
                try {
                    return retrain(new Attempt(sc, store, lock, id, plan, trainFiles, testFiles, partitions),
                            started, summary);
                } catch (DivergedException e) {
                    throw e; // recorded already
                } catch (Exception e) {
                    if (!StoreLockedException.in(e)) { // without the lock, leave the store alone
                        summary.put("status", "failed");
                        summary.put("error", words.failureLine(e));
                        summary.put("promoted", false);
                        try {
                            finish(store, summary, started, words.code(Result.FAILED, e));
                        } catch (IOException | RuntimeException suppressed) {
                            e.addSuppressed(suppressed);
                        }
                    }
                    throw e;
                }
            }
        }
    }

    /**
     * Where training starts: the champion (its version, model) unless there is none or the run
     * is from scratch; the network shape, initial weights, recipe, and a description of the start
     * that names the starting weights by SHA-256.
     */
    record Plan(Optional<Integer> championVersion, SavedModel champion, NetworkShape shape, float[] initial,
                TrainingConfig config, String start) {
        String key(LabeledIdxFiles train, LabeledIdxFiles test, int partitions) {
            return RunIds.key(config, shape, start, train, test, partitions);
        }
    }

    private Plan plan(ModelStore store, LabeledIdxFiles trainFiles) throws IOException {
        return plan(store, trainFiles, store.champion());
    }

    /** The plan of this command had {@code championVersion} been the champion. */
    private Plan plan(ModelStore store, LabeledIdxFiles trainFiles, Optional<Integer> championVersion)
            throws IOException {
        SavedModel champion = championVersion.isPresent() ? store.load(championVersion.get()) : null;
        boolean warm = champion != null && !target.fromScratch();
        NetworkShape shape;
        float[] initial;
        if (warm) {
            shape = champion.shape();
            checkFits(store, championVersion.get(), champion, trainFiles);
            initial = champion.params();
        } else {
            shape = new NetworkShape(trainFiles.pixelsPerImage(), recipe.hiddenOrDefault(), recipe.classes());
            initial = WeightInit.initShallow(shape, recipe.seed());
        }
        String start = warm ? "champion " + ModelStore.name(championVersion.get()) + " sha256 "
                + ModelFiles.sha256(ModelFiles.toBytes(initial)) : "scratch";
        return new Plan(championVersion, champion, shape, initial, recipe.config().apply(shape.hidden()), start);
    }

    /** One attempt of a run: the store held under its lock, the run's id, where it starts, the data. */
    record Attempt(JavaSparkContext sc, ModelStore store, StoreLock lock, String id, Plan plan,
                   LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles, int partitions) {
        String key() {
            return plan.key(trainFiles, testFiles, partitions);
        }
    }

    private Outcome retrain(Attempt a, long started, ObjectNode summary) throws Exception {
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
        QualityGate gate = target.gate();
        RunCheckpoints run = store.run(id, a.key());
        ObjectNode finished = run.outcome();
        if (finished != null) {
            return alreadyFinished(store, id, finished, summary, started);
        }
        info("run {} on store {} ({}, {}), champion {}, starting from {}", id, target.store(), sc.master(),
                ModelMetadata.describeApplication(sc), championVersion.map(ModelStore::name).orElse("none"), start);

        TrainingRun training = new TrainingRun(sc, trainFiles, testFiles, partitions, outputs.display(), phases);
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
        MetricsFile metrics = MetricsFile.none();
        if (saved.isPresent()) {
            // Killed after writing its version: the training is done, only the gate remains.
            version = saved.get().version();
            candidateError = saved.get().metadata().path("metrics").path("test_error_pct").asDouble();
            verdict = gate.judge(candidateError, championError);
            info("run {} already wrote version {}; judging it", id, ModelStore.name(version));
        } else {
            Optional<TrainingState> resume = run.latest(words::setting, m -> LOG.warn(m));
            resume.ifPresent(s -> info("resuming from the checkpoint after step {} (epoch {}, step {})",
                    s.stepsDone(), s.epoch(), s.nextStep() + 1));
            metrics = new MetricsFile(sc.hadoopConfiguration(), outputs.metricsOut(), outputs.display().outcome());
            metrics.cache(cache);
            try {
                result = training.train(config, shape, a.plan().initial(), resume,
                        new DivergenceGuard(recipe.maxLossFactor()), metrics, target.checkpointEvery(),
                        s -> {
                            try {
                                run.write(s);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
            } catch (DivergedException e) {
                summary.put("status", "diverged");
                summary.put("error", e.message(words::setting));
                int code = words.code(Result.DIVERGED, null);
                summary.put("exit_code", code);
                summary.put("promoted", false);
                finish(store, summary, started, code);
                throw e;
            }
            EpochMetrics m = result.returned();
            candidateError = m.testErrorPct();
            verdict = gate.judge(candidateError, championError);
            ObjectNode meta = metadata(sc, config, partitions, trainFiles, testFiles, result, id, start, verdict,
                    championVersion);
            a.lock().checkStillHeld();
            version = store.addVersion(shape, result.params(), meta, target.onnx());
            CrashPoints.reach(CrashPoints.VERSION_WRITTEN);
            info("version {} written: test error {} %", ModelStore.name(version), String.format("%.3f", candidateError));
            phases.lap("write the version");
            metrics.last(m, store.versionDir(version).toString(),
                    (System.nanoTime() - started) / 1e9, sc);
        }
        summary.put("version", ModelStore.name(version));
        summary.put("candidate_test_error_pct", candidateError);
        if (Double.isNaN(championError)) {
            summary.putNull("champion_test_error_pct");
        } else {
            summary.put("champion_test_error_pct", championError);
        }
        summary.set("gate", verdict.toJson());
        Status status;
        int code;
        if (verdict.passed()) {
            store.promote(a.lock(), version, "retrain", "quality gate passed: " + verdict.reason(), id);
            CrashPoints.reach(CrashPoints.CURRENT_WRITTEN);
            info("gate passed ({}); champion is now {}", verdict.reason(), ModelStore.name(version));
            summary.put("status", "promoted");
            summary.put("promoted", true);
            status = Status.PROMOTED;
            code = words.code(Result.CHAMPION, null);
        } else {
            info("gate failed ({}); version {} kept as a rejected candidate, champion stays {}", verdict.reason(),
                    ModelStore.name(version), championVersion.map(ModelStore::name).orElse("none"));
            summary.put("status", "rejected");
            summary.put("promoted", false);
            status = Status.NOT_PROMOTED;
            code = words.code(Result.REJECTED, null);
        }
        phases.lap("quality gate and promotion");
        String championNow = store.champion().map(ModelStore::name).orElse(null);
        summary.put("champion", championNow);
        if (outputs.report() != null) {
            report(sc, store, id, start, shape, test, config, partitions, trainFiles, testFiles, result, version,
                    verdict, championVersion, championNow, summary);
        }
        // The order of the last writes (docs/retraining.md): the history line, then the checkpoints
        // go, then outcome.json, the commit point; a run killed before it is completed by recover().
        finish(store, summary, started, code);
        CrashPoints.reach(CrashPoints.HISTORY_WRITTEN);
        ObjectNode outcome = ModelFiles.json().createObjectNode();
        outcome.put("version", ModelStore.name(version));
        outcome.put("promoted", verdict.passed());
        outcome.put("exit_code", code);
        run.finish(outcome);
        CrashPoints.reach(CrashPoints.OUTCOME_WRITTEN);
        return new Outcome(status, verdict.passed() ? Result.CHAMPION : Result.REJECTED);
    }

    /**
     * The rerun of a finished run: nothing is trained (the same recipe, start and data would give
     * the same bits), and the summary says what the run produced then and what is true now. Its
     * result is the present state's: {@link Result#CHAMPION} if the run's version is the champion
     * now, whoever made it so; {@link Result#SUPERSEDED} if the run promoted it and an operator or
     * another run has changed the champion since (named in {@code champion_set_by}: action, who,
     * when, why); {@link Result#REJECTED} otherwise.
     */
    private Outcome alreadyFinished(ModelStore store, String id, ObjectNode finished, ObjectNode summary,
                                    long started) throws IOException {
        String version = finished.path("version").asText(null);
        boolean promotedThen = finished.path("promoted").asBoolean();
        Optional<ObjectNode> setBy = store.lastPromotion();
        String championNow = store.champion().map(ModelStore::name).orElse(null);
        boolean isChampion = version != null && version.equals(championNow);
        Result now = isChampion ? Result.CHAMPION : promotedThen ? Result.SUPERSEDED : Result.REJECTED;
        int code = words.code(now, null);
        summary.put("status", "already_finished");
        summary.put("version", version);
        summary.put("promoted", false); // this command promoted nothing
        summary.put("champion", championNow);
        ObjectNode then = summary.putObject("earlier");
        then.put("version", version);
        then.put("was_promoted", promotedThen);
        then.set("exit_code", finished.path("exit_code"));
        if (finished.has("recovered")) {
            then.set("recovered", finished.get("recovered"));
        }
        setBy.ifPresent(p -> summary.set("champion_set_by", p));
        String how = setBy.map(p -> "`" + PromotionHistory.command(p) + "` at " + p.path("time").asText()
                + " (" + p.path("user").asText("?") + "@" + p.path("host").asText("?") + ")").orElse("");
        String restart = "new data, a changed recipe or " + words.setting("forceNewRun") + " starts a new run";
        String note;
        if (isChampion) {
            note = "run " + id + " produced " + version + ", which is the champion"
                    + (promotedThen ? "" : " (rejected by the gate, then promoted by " + how + ")")
                    + "; nothing to do: " + restart;
        } else if (promotedThen) {
            note = "run " + id + " produced " + version + " and promoted it; the champion is now "
                    + (championNow == null ? "none" : championNow) + ", set by " + how
                    + "; the run is not repeated: " + restart;
        } else {
            note = "run " + id + " produced " + version + ", rejected by the gate; the champion is "
                    + (championNow == null ? "none" : championNow) + "; the run is not repeated: " + restart;
        }
        summary.put("note", note);
        info("{}", note);
        finish(store, summary, started, code);
        return new Outcome(Status.ALREADY_FINISHED, now);
    }

    /**
     * Completes every run that wrote its version and was killed before its commit point
     * ({@code runs/RUN_ID/outcome.json}): each missing write is made, in the order of a run's own
     * writes, and each is skipped if it was made already: the promotion (if the version's recorded
     * gate passed and the champion is still the one it was judged against), CURRENT, the history
     * line (marked {@code "recovered":true}), the checkpoints' removal, outcome.json. If one of
     * those runs is this command's own (the same run id, derived from the champion it started
     * from), its outcome is this command's: nothing is trained again.
     */
    private Optional<Outcome> recover(JavaSparkContext sc, ModelStore store, StoreLock lock,
                                      LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles, int partitions,
                                      long started, String startedAt) throws IOException {
        Outcome mine = null;
        for (ModelStore.VersionInfo v : store.versions()) {
            if (!v.complete()) {
                continue;
            }
            String r = v.store().path("run_id").asText("");
            JsonNode gate = v.store().path("gate");
            if (!RunIds.isValid(r) || !gate.has("passed") || store.runOutcome(r) != null) {
                continue; // not a retrain's version, or its run finished
            }
            String name = ModelStore.name(v.version());
            info("run {} was interrupted after writing version {}: completing its writes", r, name);
            boolean promoted = store.promotions().stream().anyMatch(p -> name.equals(p.path("version").asText())
                    && r.equals(p.path("run_id").asText()) && "retrain".equals(p.path("action").asText()));
            String note = null;
            String judgedAgainst = v.store().path("champion_at_training").asText(null);
            if (gate.path("passed").asBoolean() && !promoted) {
                String now = store.champion().map(ModelStore::name).orElse(null);
                if (java.util.Objects.equals(judgedAgainst, now)) {
                    store.promote(lock, v.version(), "retrain", "quality gate passed: " + gate.path("reason").asText()
                            + " (completed after the run was interrupted)", r);
                    promoted = true;
                } else {
                    note = "the gate passed, but the champion changed from " + judgedAgainst + " to " + now
                            + " before the promotion; not promoted";
                }
            }
            Result result = promoted ? Result.CHAMPION : Result.REJECTED;
            ObjectNode line = store.history().stream().filter(h -> r.equals(h.path("run_id").asText())
                    && name.equals(h.path("version").asText())
                    && List.of("promoted", "rejected").contains(h.path("status").asText())).findFirst().orElse(null);
            if (line == null) {
                line = ModelFiles.json().createObjectNode();
                line.put("run_id", r);
                line.put("started", startedAt);
                ModelMetadata.putApplication(line, sc);
                line.put("store", target.store());
                line.put("start", v.store().path("start").asText());
                line.put("version", name);
                line.set("candidate_test_error_pct", gate.path("candidate_test_error_pct"));
                line.set("champion_test_error_pct", gate.path("champion_test_error_pct"));
                line.set("gate", gate);
                line.put("status", promoted ? "promoted" : "rejected");
                line.put("promoted", promoted);
                if (note != null) {
                    line.put("note", note);
                }
                line.put("champion", store.champion().map(ModelStore::name).orElse(null));
                line.put("recovered", true);
                finish(store, line, started, words.code(result, null));
            } else {
                result = "promoted".equals(line.path("status").asText()) ? Result.CHAMPION : Result.REJECTED;
                System.out.println(line);
                System.out.flush();
            }
            ObjectNode outcome = ModelFiles.json().createObjectNode();
            outcome.put("version", name);
            outcome.put("promoted", promoted);
            outcome.put("exit_code", words.code(result, null));
            outcome.put("recovered", true);
            store.run(r, "").finish(outcome);
            info("run {} completed: version {} {}", r, name, promoted ? "promoted" : "not promoted");
            if (mine == null && isThisCommand(store, trainFiles, testFiles, partitions, r, judgedAgainst)) {
                mine = new Outcome(Status.RECOVERED, result);
            }
        }
        return Optional.ofNullable(mine);
    }

    /** Whether run {@code r}, which started from champion {@code championThen}, is this command's run. */
    private boolean isThisCommand(ModelStore store, LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles,
                                  int partitions, String r, String championThen) {
        if (target.runId() != null) {
            return target.forceNewRun() ? RunIds.inChainOf(target.runId(), r) : target.runId().equals(r);
        }
        try {
            Optional<Integer> then = championThen == null ? Optional.empty()
                    : Optional.of(ModelStore.parseVersion(championThen));
            String base = RunIds.derive(plan(store, trainFiles, then).key(trainFiles, testFiles, partitions));
            return target.forceNewRun() ? RunIds.inChainOf(base, r) : r.equals(base);
        } catch (IOException | RuntimeException e) {
            return false; // that champion is gone or does not fit this recipe: another command's run
        }
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
        UnaryOperator<String> flags = words::setting;
        String name = ModelStore.name(version);
        String before = championBefore.map(ModelStore::name).orElse("none");
        List<TrainingReport.Entry> gateRows = List.of(
                ReportAssembly.entry("verdict", verdict.passed() ? "passed" : "failed"),
                ReportAssembly.entry("reason", verdict.reason()),
                ReportAssembly.entry("candidate test error", String.format(Locale.ROOT, "%.2f %%", verdict.candidateErrorPct())),
                ReportAssembly.entry("champion test error, same test set", Double.isNaN(verdict.championErrorPct())
                        ? "none (no champion)" : String.format(Locale.ROOT, "%.2f %% (%s)", verdict.championErrorPct(), before)),
                ReportAssembly.entry("maximum test error (" + flags.apply("maxTestErrorPct") + ")",
                        String.format(Locale.ROOT, "%.2f %%", verdict.gate().maxTestErrorPct())),
                ReportAssembly.entry("maximum regression (" + flags.apply("maxRegressionPct") + ")",
                        String.format(Locale.ROOT, "%.2f points", verdict.gate().maxRegressionPct())),
                ReportAssembly.entry("version", name),
                ReportAssembly.entry("outcome", verdict.passed() ? "promoted: the champion is now " + name
                        : "not promoted: " + name + " kept as a rejected candidate, the champion stays " + before),
                ReportAssembly.entry("champion after the run", championNow == null ? "none" : championNow),
                ReportAssembly.entry("run id", id),
                ReportAssembly.entry("started from", start));
        List<TrainingReport.Entry> options = new ArrayList<>(RunReport.recipeEntries(config, recipe.preset(), flags));
        options.add(ReportAssembly.entry("store", target.store()));
        options.add(ReportAssembly.entry("from scratch (" + flags.apply("fromScratch") + ")", target.fromScratch()));
        options.add(ReportAssembly.entry("checkpoint every (steps)", target.checkpointEvery()));
        options.add(ReportAssembly.entry("max loss factor (divergence guard)", recipe.maxLossFactor()));
        options.addAll(RunReport.whereEntries(sc, outputs.dataDir(), partitions));
        try {
            RunReport.evaluateAndWrite(sc, sc.hadoopConfiguration(), outputs.report(), "shallownet retrain report",
                    shape, test, config, options, trainFiles, testFiles, result, phases,
                    store.versionDir(version).toString(),
                    List.of(new TrainingReport.Section("gate", "Quality gate and promotion", gateRows),
                            ReportAssembly.cacheSection(cache)));
            summary.put("report", outputs.report());
            info("report written to {}", outputs.report());
        } catch (RuntimeException e) {
            LOG.warn("could not write the report {}: {}", outputs.report(), e.getMessage());
            summary.put("report_error", String.valueOf(e.getMessage()));
        }
    }

    private void finish(ModelStore store, ObjectNode summary, long started, int code) throws IOException {
        summary.put("finished", Instant.now().toString());
        summary.put("duration_s", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
        summary.put("exit_code", code);
        store.appendHistory(summary);
        // The run's summary on stdout too, for a scheduler to pick up (e.g. Airflow's XCom).
        System.out.println(summary);
        System.out.flush();
    }

    private void info(String format, Object... args) {
        if (!outputs.display().quiet()) {
            LOG.info(format, args);
        }
    }

    /** The champion must fit the data and the recipe to warm-start from it; else from scratch. */
    private void checkFits(ModelStore store, int version, SavedModel m, LabeledIdxFiles files) {
        String where = store.versionDir(version).toString();
        TrainingRun.mismatch(m.shape(), files.pixelsPerImage(), recipe.classes(), recipe.hidden()).ifPresent(x -> {
            throw switch (x.kind()) {
                case INPUTS -> BadInputException.about(files.imagesPath(), "images have " + x.wanted()
                        + " pixels, but the champion " + where + " has " + x.model() + " inputs (use ",
                        setting("fromScratch"), ")");
                case OUTPUTS -> BadInputException.about(where, "has " + x.model() + " outputs, but ",
                        setting("classes"), " is " + x.wanted() + " (use ", setting("fromScratch"), ")");
                case HIDDEN -> BadInputException.about(where, "has " + x.model() + " hidden units, but ",
                        setting("hidden"), " is " + x.wanted() + " (use ", setting("fromScratch"), ")");
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
        ModelMetadata.putTraining(meta, c, recipe.preset(), partitions, sc, t -> {
            t.set("config", ModelMetadata.config(c));
            t.put("eval_every", c.evalEvery());
        }).put("checkpoint_every", target.checkpointEvery()).put("from_scratch", target.fromScratch());
        ModelMetadata.putData(meta, train, test);
        ModelMetadata.putMetrics(meta, result.returned()).put("seconds_training_this_attempt", result.seconds());
        ModelMetadata.putHistory(meta, result.history());
        return meta;
    }
}
