package shallownet.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shallownet.BadInputException;
import shallownet.SettingWords;
import shallownet.data.CachedSets;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.report.PhaseTimes;
import shallownet.report.ReportAssembly;
import shallownet.report.TrainingReport;
import shallownet.train.DivergenceGuard;
import shallownet.train.EpochMetrics;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;

/**
 * The train command's work once its options and outputs are checked and its model directory is
 * claimed: on a started Spark context, checks the data's files (and the starting model against
 * them), trains with the recipe, writes the model with its metadata, then the metrics file and
 * the report. {@link RetrainRun} is the same for a model store.
 */
public final class TrainJob {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    /**
     * What to train and where its outputs go: the data directory, the starting model (null: fresh
     * weights from the recipe's seed), the model directory and whether it may replace a model, the
     * metrics file and the report (null: none), the console, and a setting's name as the user sets it.
     */
    public record Request(Recipe recipe, String dataDir, String initModel, String out, boolean overwrite,
                          String metricsOut, String report, TrainingRun.Display display,
                          UnaryOperator<String> settings) {
    }

    private final Request r;

    public TrainJob(Request request) {
        this.r = request;
    }

    /**
     * Trains on {@code sc}; {@code partitionsOf} gives the partition count on it, and
     * {@code resources} refuses, before any allocation, a recipe that cannot fit the training set
     * (its second argument: the starting model's shape, or null). {@code started} (System.nanoTime)
     * and {@code phases} count from the command's start.
     */
    public void run(JavaSparkContext sc, ToIntFunction<JavaSparkContext> partitionsOf,
                    BiConsumer<LabeledIdxFiles, NetworkShape> resources, long started, PhaseTimes phases)
            throws Exception {
        Recipe recipe = r.recipe();
        if (!r.display().quiet()) {
            // Reading, checking and caching the data takes seconds more before the next line.
            LOG.info("Spark started; checking the data's files and caching them");
        }
        Configuration hadoop = sc.hadoopConfiguration();
        sc.setJobDescription("validate input files");
        LabeledIdxFiles trainFiles = DataDirectory.train(hadoop, r.dataDir(), recipe.classes());
        LabeledIdxFiles testFiles = DataDirectory.test(hadoop, r.dataDir(), recipe.classes());
        DataDirectory.checkSameImageSize(trainFiles, testFiles);
        resources.accept(trainFiles, r.initModel() == null ? null : ModelFiles.readShape(hadoop, r.initModel()));
        DataDirectory.checkNotEmpty(trainFiles, testFiles);
        float[] initial;
        NetworkShape shape;
        if (r.initModel() != null) {
            SavedModel m = ModelFiles.load(hadoop, r.initModel());
            shape = m.shape();
            checkFits(m, trainFiles);
            initial = m.params();
        } else {
            shape = new NetworkShape(trainFiles.pixelsPerImage(), recipe.hiddenOrDefault(), recipe.classes());
            initial = WeightInit.initShallow(shape, recipe.seed());
        }
        TrainingConfig config = recipe.config().apply(shape.hidden());
        int partitions = partitionsOf.applyAsInt(sc);
        phases.lap("validate input files (SHA-256)");
        TrainingRun run = new TrainingRun(sc, trainFiles, testFiles, partitions, r.display(), phases);
        CachedSets sets = run.load();
        if (!r.display().quiet()) {
            LOG.info("training a {} network on {} samples in {} partitions ({}, {}), {}", shape, trainFiles.count(),
                    partitions, sc.master(), ModelMetadata.describeApplication(sc), config.describe());
        }
        MetricsFile metrics = new MetricsFile(hadoop, r.metricsOut(), r.display().outcome());
        metrics.cache(sets.cache());
        Trainer.Result result = run.train(config, shape, initial, Optional.empty(),
                new DivergenceGuard(recipe.maxLossFactor()), metrics, 0, s -> { });
        double total = (System.nanoTime() - started) / 1e9;
        ObjectNode meta = metadata(config, sc, partitions, trainFiles, testFiles, result, total);
        TrainingRun.save(hadoop, r.out(), shape, result.params(), meta, r.overwrite());
        phases.lap("write the model");
        r.display().outcome().accept("the model was written to " + r.out()
                + " (the rest of the run's outputs may be missing)");
        run.finish(metrics, config, shape, result, r.out(), total, r.report(),
                () -> reportOptions(config, sc, partitions));
    }

    /** The configuration table of the report. */
    private List<TrainingReport.Entry> reportOptions(TrainingConfig c, JavaSparkContext sc, int partitions) {
        List<TrainingReport.Entry> e = new ArrayList<>(RunReport.recipeEntries(c, r.recipe().preset(), r.settings()));
        e.add(ReportAssembly.entry("init model", r.initModel() == null ? "none (fresh weights)" : r.initModel()));
        e.add(ReportAssembly.entry("model out", r.out()));
        e.addAll(RunReport.whereEntries(sc, r.dataDir(), partitions));
        return e;
    }

    /** The starting model must fit the data and the recipe; the message names the setting to change. */
    private void checkFits(SavedModel m, LabeledIdxFiles files) {
        Recipe recipe = r.recipe();
        TrainingRun.mismatch(m.shape(), files.pixelsPerImage(), recipe.classes(), recipe.hidden()).ifPresent(x -> {
            throw switch (x.kind()) {
                case INPUTS -> BadInputException.about(r.initModel(), "has " + x.model() + " inputs, but the images of "
                        + files.imagesPath() + " have " + x.wanted() + " pixels");
                case OUTPUTS -> BadInputException.about(r.initModel(), "has " + x.model() + " outputs, but ",
                        SettingWords.setting("classes"), " is " + x.wanted());
                case HIDDEN -> BadInputException.about(r.initModel(), "has " + x.model() + " hidden units, but ",
                        SettingWords.setting("hidden"), " is " + x.wanted());
            };
        });
    }

    private ObjectNode metadata(TrainingConfig c, JavaSparkContext sc, int partitions, LabeledIdxFiles train,
                                LabeledIdxFiles test, Trainer.Result result, double total) {
        ObjectNode meta = ModelMetadata.create(sc);
        ModelMetadata.putTraining(meta, c, r.recipe().preset(), partitions, sc, t -> {
            t.put("best_epoch", result.bestEpoch() >= 0 ? result.bestEpoch() : result.last().epoch());
            t.put("stopped_early", result.stoppedEarly());
        }).put("init_model", r.initModel());
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
