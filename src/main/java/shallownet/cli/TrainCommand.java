package shallownet.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.run.OutputPaths;
import shallownet.BadInputException;
import shallownet.data.CachedSets;
import shallownet.report.PhaseTimes;
import shallownet.report.ReportAssembly;
import shallownet.run.MetricsFile;
import shallownet.run.ModelMetadata;
import shallownet.run.RunReport;
import shallownet.run.TrainingRun;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelClaim;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.report.TrainingReport;
import shallownet.train.EpochMetrics;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the network on Spark (the notebook's recipe by default) and save the model.",
        footer = SparkOptionsHelp.FOOTER)
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    @Mixin
    CommonOptions common;

    @Mixin
    SparkOptions spark;

    @Option(names = "--data", description = "Data directory with the four MNIST-layout IDX files, raw or .gz "
            + "(default: data/mnist beside submit.sh, fetched when missing).")
    String data;

    @Mixin
    RecipeOptions recipe;

    @Mixin
    RunOutputOptions output;

    @Option(names = "--full-batch", description = "Full-batch gradient descent (the notebook's Q18) instead of minibatch SGD.")
    boolean fullBatch;

    @Option(names = "--init-model", description = "Start from this saved model instead of fresh weights.")
    String initModel;

    @Option(names = "--model-out", description = "Where to write the model (default: models/shallownet-<UTC time>).")
    String modelOut;

    @Option(names = "--overwrite", description = "Replace --model-out if it holds a model (only once the new model "
            + "is complete); any other existing directory is refused.")
    boolean overwrite;

    @Mixin
    DivergenceOptions divergence;

    @Option(names = "--metrics-out", description = "Write per-epoch metrics as JSON Lines to this file.")
    String metricsOut;

    @Override
    public Integer call() throws Exception {
        // Checks the options before any work; the recipe is built again once the hidden size is
        // settled (it may come from --init-model).
        recipe.recipe(recipe.hiddenOrDefault(), fullBatch);
        output.check(common.quiet);
        divergence.check();
        String out = modelOut != null ? modelOut
                : DataLocation.absolute("models/shallownet-" + Instant.now().toString().replace(":", "")
                        .replaceAll("\\.\\d+Z$", "Z"));   // of the working directory, named whole in the log
        // Every output is checked before the data is fetched or Spark starts: a command that
        // cannot write its results fails in seconds, and never replaces what is not its own.
        OutputPaths outputs = new OutputPaths(DriverHadoopConf.get())
                .input("--data", DataLocation.orDefault(data))
                .input("--init-model", initModel);
        outputs.model("--model-out", out, overwrite);
        outputs.file("--metrics-out", metricsOut, "metrics.jsonl");
        outputs.file("--report", output.report, "run.html");
        // Claimed before any work: a second run with the same --model-out is refused now, not after training.
        try (ModelClaim claim = ModelClaim.take(DriverHadoopConf.get(), out)) {
            // Checked again under the claim: a run that ended after our first check may have written it.
            ModelFiles.checkWritable(DriverHadoopConf.get(), out, overwrite);
            trainAndSave(out);
        }
        return ExitCode.OK.code();
    }

    private void trainAndSave(String out) throws Exception {
        String dataDir = DataLocation.resolve(data, common.quiet);
        long started = System.nanoTime();
        PhaseTimes phases = new PhaseTimes();
        if (!common.quiet) {
            // Spark's start takes seconds, in which nothing else is printed.
            LOG.info("starting Spark ({}); data {}, model to {}", spark.conf().get("spark.master"),
                    DataLocation.absolute(dataDir), DataLocation.absolute(out));
        }
        try (JavaSparkContext sc = spark.start("shallownet train")) {
            phases.lap("start Spark");
            if (!common.quiet) {
                // Reading, checking and caching the data takes seconds more before the next line.
                LOG.info("Spark started; checking the data's files and caching them");
            }
            Configuration hadoop = sc.hadoopConfiguration();
            sc.setJobDescription("validate input files");
            LabeledIdxFiles trainFiles = DataDirectory.train(hadoop, dataDir, recipe.classes);
            LabeledIdxFiles testFiles = DataDirectory.test(hadoop, dataDir, recipe.classes);
            DataDirectory.checkSameImageSize(trainFiles, testFiles);
            ResourceCheck.before(spark, recipe, fullBatch, trainFiles, initModel == null ? null : ModelFiles.readShape(hadoop, initModel));
            DataDirectory.checkNotEmpty(trainFiles, testFiles);
            float[] initial;
            NetworkShape shape;
            if (initModel != null) {
                SavedModel m = ModelFiles.load(hadoop, initModel);
                shape = m.shape();
                checkFits(m, trainFiles);
                initial = m.params();
            } else {
                shape = new NetworkShape(trainFiles.pixelsPerImage(), recipe.hiddenOrDefault(), recipe.classes);
                initial = WeightInit.initShallow(shape, recipe.seed);
            }
            TrainingConfig config = recipe.recipe(shape.hidden(), fullBatch);
            int partitions = spark.partitions(sc);
            phases.lap("validate input files (SHA-256)");
            TrainingRun run = new TrainingRun(sc, trainFiles, testFiles, partitions, output.display(common.quiet),
                    phases);
            CachedSets sets = run.load();
            if (!common.quiet) {
                LOG.info("training a {} network on {} samples in {} partitions ({}, {}), {}", shape, trainFiles.count(),
                        partitions, sc.master(), ModelMetadata.describeApplication(sc), RecipeOptions.describe(config));
            }
            MetricsFile metrics = new MetricsFile(hadoop, metricsOut, Interruption::outcome);
            metrics.cache(sets.cache());
            Trainer.Result result = run.train(config, shape, initial, Optional.empty(), divergence.guard(), metrics,
                    0, s -> { });
            double total = (System.nanoTime() - started) / 1e9;
            ObjectNode meta = metadata(config, sc, partitions, trainFiles, testFiles, result, total);
            TrainingRun.save(hadoop, out, shape, result.params(), meta, overwrite);
            phases.lap("write the model");
            Interruption.outcome("the model was written to " + out + " (the rest of the run's outputs may be missing)");
            run.finish(metrics, config, shape, result, out, total, output.report,
                    () -> reportOptions(config, sc, partitions, dataDir, out));
        }
    }

    /** The configuration table of the report. */
    private List<TrainingReport.Entry> reportOptions(TrainingConfig c, JavaSparkContext sc, int partitions,
                                                     String dataDir, String out) {
        List<TrainingReport.Entry> e = new ArrayList<>(recipe.reportEntries(c));
        e.add(ReportAssembly.entry("init model", initModel == null ? "none (fresh weights)" : initModel));
        e.add(ReportAssembly.entry("model out", out));
        e.addAll(RunReport.whereEntries(sc, dataDir, partitions));
        return e;
    }

    /** The starting model must fit the data and the recipe; the message names the option to change. */
    private void checkFits(SavedModel m, LabeledIdxFiles files) {
        TrainingRun.mismatch(m.shape(), files.pixelsPerImage(), recipe.classes, recipe.hidden).ifPresent(x -> {
            throw BadInputException.about(initModel, switch (x.kind()) {
                case INPUTS -> "has " + x.model() + " inputs, but the images of " + files.imagesPath() + " have "
                        + x.wanted() + " pixels";
                case OUTPUTS -> "has " + x.model() + " outputs, but --classes is " + x.wanted();
                case HIDDEN -> "has " + x.model() + " hidden units, but --hidden is " + x.wanted();
            });
        });
    }

    private ObjectNode metadata(TrainingConfig c, JavaSparkContext sc, int partitions, LabeledIdxFiles train,
                                LabeledIdxFiles test, Trainer.Result result, double total) {
        ObjectNode meta = ModelMetadata.create(sc);
        ModelMetadata.putTraining(meta, c, recipe.preset, partitions, sc, t -> {
            t.put("best_epoch", result.bestEpoch() >= 0 ? result.bestEpoch() : result.last().epoch());
            t.put("stopped_early", result.stoppedEarly());
        }).put("init_model", initModel);
        ModelMetadata.putData(meta, train, test);
        EpochMetrics last = result.returned();
        ObjectNode m = ModelMetadata.putMetrics(meta, last);
        if (last.hasValidation()) {
            m.put("validation_loss", last.validationLoss());
            m.put("validation_error_pct", last.validationErrorPct());
        }
        m.put("seconds_training", result.seconds());
        m.put("seconds_total", total);
        m.put("steps", result.steps().steps());
        m.put("step_median_ms", result.steps().medianMs());
        ModelMetadata.putHistory(meta, result.history());
        return meta;
    }
}
