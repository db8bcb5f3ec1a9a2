package shallownet.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.fetch.DataLocation;
import shallownet.run.OutputPaths;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.report.PhaseTimes;
import shallownet.run.RetrainRun;
import shallownet.store.ModelStore;
import shallownet.store.QualityGate;
import shallownet.store.RunIds;

/**
 * The scheduled job's command line: checks the options, the outputs and the data before the
 * store is touched, hands the run to {@link RetrainRun} (which plans, locks, trains, gates,
 * promotes and records the history) with this command line's exit codes and flag names, and
 * exits with the run's code: 0 promoted, 2 bad input, 3 trained but not promoted, 4 store
 * locked, 5 diverged, 1 anything else.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, description = "Scheduled retraining against a model "
        + "store: warm-start from the champion, checkpoint, resume, promote only through the quality gate.")
final class RetrainCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Mixin SparkOptions spark;

    @Mixin StoreOptions storeOptions;

    @Mixin RecipeOptions recipe;

    @Mixin RunOutputOptions output;

    @Option(names = "--data", description = "Data directory with the four MNIST-layout IDX files, raw or .gz "
            + "(default: data/mnist, fetched when missing).") String data;

    @Option(names = "--from-scratch", description = "Start from fresh weights even when there is a champion.") boolean fromScratch;

    @Option(names = "--force-new-run", description = "Train even if this run (same recipe, starting model, data "
            + "and partitions) finished before, e.g. after its model was rolled back: a new run, RUN_ID.2, .3, ...") boolean forceNewRun;

    @Option(names = "--run-id", description = "Run id (default: derived from the recipe, the starting model, the "
            + "data fingerprints and the partition count, so that a rerun of a killed run resumes it).") String runId;

    @Option(names = "--metrics-out", description = "Write per-epoch metrics as JSON Lines to this file (as train's; "
            + "a resumed run's file holds the epochs of its earlier attempts too).") String metricsOut;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Write the training state every N steps "
            + "(and the step-count boundary is also taken at the end of an epoch); 0: never (default: ${DEFAULT-VALUE}).") int checkpointEvery;

    @Option(names = "--max-test-error", defaultValue = "10", description = "Quality gate: the candidate's test "
            + "error in percent must be at most this (default: ${DEFAULT-VALUE}).") double maxTestError;

    @Option(names = "--max-regression", defaultValue = "0.5", description = "Quality gate: the candidate's test "
            + "error may exceed the champion's, on the same test set, by at most this many percentage points "
            + "(default: ${DEFAULT-VALUE}).") double maxRegression;

    @Option(names = "--no-onnx", description = "Do not write model.onnx (the model as ONNX, for serving) into each "
            + "new version of the store.") boolean noOnnx;

    @Mixin DivergenceOptions divergence;

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
        if (runId != null) {
            RunIds.check(runId);
        }
        Duration lockTimeout = storeOptions.lockTimeout();
        Duration lockWait = storeOptions.lockWait();

        // Everything that can be wrong with the outputs and the input is found here, before the
        // store is touched and before Spark starts.
        Configuration hadoop = DriverHadoopConf.get();
        OutputPaths outputs = new OutputPaths(hadoop).input("--data", DataLocation.orDefault(data));
        outputs.store("--store", storeOptions.store);
        outputs.file("--report", output.report, "run.html");
        outputs.file("--metrics-out", metricsOut, "metrics.jsonl");
        String dataDir = DataLocation.resolve(DriverHadoopConf.get(), data, common.quiet, SettingFlags::flag);
        LabeledIdxFiles trainFiles = DataDirectory.train(hadoop, dataDir, recipe.classes);
        LabeledIdxFiles testFiles = DataDirectory.test(hadoop, dataDir, recipe.classes);
        DataDirectory.checkSameImageSize(trainFiles, testFiles);
        ResourceCheck.before(spark, recipe, false, trainFiles, null);
        DataDirectory.checkNotEmpty(trainFiles, testFiles);
        ModelStore store = ModelStore.at(hadoop, storeOptions.store);
        store.checkLockFile();

        RetrainRun.Request request = new RetrainRun.Request(
                new RetrainRun.StoreTarget(storeOptions.store, lockTimeout, lockWait, runId, fromScratch, forceNewRun,
                        gate, checkpointEvery, !noOnnx),
                recipe.recipe(false, divergence.maxLossFactor),
                new RetrainRun.Outputs(output.report, metricsOut, dataDir, output.display(common.quiet), WORDS));
        RetrainRun.Outcome outcome = new RetrainRun(request, new PhaseTimes())
                .run(store, trainFiles, testFiles, () -> spark.start("shallownet retrain"), spark::partitions,
                        started, startedAt);
        return ExitCode.of(outcome.result(), null).code();
    }

    /** The command line's words for what a run records: its exit codes, error lines and flags. */
    private static final RetrainRun.Words WORDS = new RetrainRun.Words() {
        @Override
        public int code(RetrainRun.Result result, Throwable failure) {
            return ExitCode.of(result, failure).code();
        }

        @Override
        public String failureLine(Throwable failure) {
            return Interruption.requested() ? "interrupted (SIGTERM or Ctrl-C)"
                    : Main.errorLine(failure, true).substring("error: ".length());
        }

        @Override
        public String setting(String name) {
            return SettingFlags.flag(name);
        }
    };
}
