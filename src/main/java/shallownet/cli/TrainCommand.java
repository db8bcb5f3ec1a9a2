package shallownet.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.fetch.DataLocation;
import shallownet.model.ModelClaim;
import shallownet.model.ModelFiles;
import shallownet.report.PhaseTimes;
import shallownet.run.OutputPaths;
import shallownet.run.TrainJob;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the network on Spark (the notebook's recipe by default) and save the model.",
        footer = SparkOptionsHelp.FOOTER)
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    @Mixin CommonOptions common;

    @Mixin SparkOptions spark;

    @Option(names = "--data", description = "Data directory with the four MNIST-layout IDX files, raw or .gz "
            + "(default: data/mnist beside submit.sh, fetched when missing).") String data;

    @Mixin RecipeOptions recipe;

    @Mixin RunOutputOptions output;

    @Option(names = "--full-batch",
            description = "Full-batch gradient descent (the notebook's Q18) instead of minibatch SGD.") boolean fullBatch;

    @Option(names = "--init-model", description = "Start from this saved model instead of fresh weights.") String initModel;

    @Option(names = "--model-out", description = "Where to write the model (default: models/shallownet-<UTC time>).") String modelOut;

    @Option(names = "--overwrite", description = "Replace --model-out if it holds a model (only once the new model "
            + "is complete); any other existing directory is refused.") boolean overwrite;

    @Mixin DivergenceOptions divergence;

    @Option(names = "--metrics-out", description = "Write per-epoch metrics as JSON Lines to this file.") String metricsOut;

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
        String dataDir = DataLocation.resolve(DriverHadoopConf.get(), data, common.quiet, SettingFlags::flag);
        long started = System.nanoTime();
        PhaseTimes phases = new PhaseTimes();
        if (!common.quiet) {
            // Spark's start takes seconds, in which nothing else is printed.
            LOG.info("starting Spark ({}); data {}, model to {}", spark.conf().get("spark.master"),
                    DataLocation.absolute(dataDir), DataLocation.absolute(out));
        }
        TrainJob.Request request = new TrainJob.Request(recipe.recipe(fullBatch, divergence.maxLossFactor), dataDir,
                initModel, out, overwrite, metricsOut, output.report, output.display(common.quiet), SettingFlags::flag);
        try (JavaSparkContext sc = spark.start("shallownet train")) {
            phases.lap("start Spark");
            new TrainJob(request).run(sc, spark::partitions,
                    (train, start) -> ResourceCheck.before(spark, recipe, fullBatch, train, start), started, phases);
        }
    }
}
