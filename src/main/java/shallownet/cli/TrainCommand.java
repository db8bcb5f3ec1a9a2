package shallownet.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.BadInputException;
import shallownet.HadoopFiles;
import shallownet.data.BlockRdds;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.EvalSums;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.report.TrainingReport;
import shallownet.train.EpochMetrics;
import shallownet.train.MisclassifiedSamples;
import shallownet.train.SparkBackend;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;
import shallownet.train.TrainingListener;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train the network on Spark (the notebook's recipe by default) and save the model.")
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    @Mixin
    CommonOptions common;

    @Mixin
    SparkOptions spark;

    @Option(names = "--data", description = "Data directory with the four MNIST-layout IDX files, raw or .gz "
            + "(default: data/mnist, fetched when missing).")
    String data;

    @Option(names = "--hidden", description = "Hidden units (default: 64, or the --init-model's).")
    Integer hidden;

    @Option(names = "--classes", defaultValue = "10", description = "Output classes; labels must be below (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--preset", defaultValue = "seed", description = "Recipe: seed (the notebook's) or fast "
            + "(time to accuracy); options given explicitly override it (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--batch-size", description = "Minibatch size B (seed: 100).")
    Integer batchSize;

    @Option(names = "--lr", description = "Learning rate gamma, normalised by the minibatch size (seed: 0.05).")
    Double lr;

    @Option(names = "--epochs", description = "Epochs, or iterations with --full-batch (seed: 5).")
    Integer epochs;

    @Option(names = "--momentum", description = "Momentum mu in [0, 1); 0 is plain SGD (seed: 0).")
    Double momentum;

    @Option(names = "--nesterov", negatable = true, description = "Nesterov momentum instead of classical.")
    Boolean nesterov;

    @Option(names = "--lr-schedule", description = "constant, step, exponential or cosine (seed: constant).")
    String lrSchedule;

    @Option(names = "--lr-decay", description = "Factor of the step and exponential schedules (default: 0.9).")
    Double lrDecay;

    @Option(names = "--lr-step-epochs", description = "Epochs between decays of the step schedule (default: 1).")
    Integer lrStepEpochs;

    @Option(names = "--weight-decay", description = "L2 weight decay lambda on W1 and W2 (default: 0).")
    Double weightDecay;

    @Option(names = "--validation-fraction", defaultValue = "0", description = "Hold out this fraction of the "
            + "training set, drawn from the seed, and report its loss and error (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: stop after N evaluations without "
            + "a better validation loss and keep the best weights; needs --validation-fraction (default: off).")
    int patience;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and of the minibatch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--full-batch", description = "Full-batch gradient descent (the notebook's Q18) instead of minibatch SGD.")
    boolean fullBatch;

    @Option(names = "--eval-every", defaultValue = "1", description = "Evaluate train and test sets every N epochs; 0: only after the last (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--init-model", description = "Start from this saved model instead of fresh weights.")
    String initModel;

    @Option(names = "--model-out", description = "Where to write the model (default: models/shallownet-<UTC time>).")
    String modelOut;

    @Option(names = "--overwrite", description = "Replace --model-out if it exists (only once the new model is complete).")
    boolean overwrite;

    @Option(names = "--metrics-out", description = "Write per-epoch metrics as JSON Lines to this file.")
    String metricsOut;

    @Option(names = "--progress", defaultValue = "auto", description = "Progress within epochs: auto (an updating "
            + "line at a terminal, a log line every 30 s otherwise), line, log or off; --quiet turns it off "
            + "(default: ${DEFAULT-VALUE}).")
    String progress;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a self-contained HTML report of the run "
            + "(curves, confusion matrix, misclassified digits, configuration, timings) to this file.")
    String report;

    @Override
    public Integer call() throws Exception {
        // Checks the options before any work; the recipe is built again once the hidden size is
        // settled (it may come from --init-model).
        recipe(hidden == null ? TrainingConfig.DEFAULT_HIDDEN : hidden);
        ProgressLine.Mode.choose(progress, common.quiet, false);
        String dataDir = DataLocation.resolve(data, common.quiet);
        String out = modelOut != null ? modelOut
                : "models/shallownet-" + Instant.now().toString().replace(":", "").replaceAll("\\.\\d+Z$", "Z");
        long started = System.nanoTime();
        PhaseTimes phases = new PhaseTimes();
        try (JavaSparkContext sc = spark.start("shallownet train")) {
            phases.lap("start Spark");
            Configuration hadoop = sc.hadoopConfiguration();
            ModelFiles.checkWritable(hadoop, out, overwrite);
            if (report != null) {
                RunReport.checkWritable(hadoop, report);
            }
            sc.setJobDescription("validate input files");
            LabeledIdxFiles trainFiles = DataDirectory.train(hadoop, dataDir, classes);
            LabeledIdxFiles testFiles = DataDirectory.test(hadoop, dataDir, classes);
            if (testFiles.pixelsPerImage() != trainFiles.pixelsPerImage()) {
                throw BadInputException.about(testFiles.imagesPath(), "images are " + testFiles.rows() + "x"
                        + testFiles.cols() + ", the training images " + trainFiles.rows() + "x" + trainFiles.cols());
            }
            float[] initial;
            NetworkShape shape;
            if (initModel != null) {
                SavedModel m = ModelFiles.load(hadoop, initModel);
                shape = m.shape();
                checkFits(m, trainFiles);
                initial = m.params();
            } else {
                shape = new NetworkShape(trainFiles.pixelsPerImage(), hidden == null ? TrainingConfig.DEFAULT_HIDDEN : hidden,
                        classes);
                initial = WeightInit.initShallow(shape, seed);
            }
            TrainingConfig config = recipe(shape.hidden());
            int partitions = spark.partitions(sc);
            phases.lap("validate input files (SHA-256)");
            sc.setJobDescription("load and cache the training and test sets");
            JavaRDD<SampleBlock> train = BlockRdds.load(sc, trainFiles, partitions, "training set");
            JavaRDD<SampleBlock> test = BlockRdds.load(sc, testFiles, partitions, "test set");
            train.count();
            test.count();
            phases.lap("load and cache the data");
            if (!common.quiet) {
                LOG.info("training a {} network on {} samples in {} partitions ({}), {}", shape, trainFiles.count(),
                        partitions, sc.master(), describe(config));
            }
            MetricsWriter metrics = new MetricsWriter(hadoop, metricsOut);
            ProgressLine progress = progressLine(config);
            long[] stepNanos = {0};
            Trainer trainer = new Trainer(config, shape, new SparkBackend(sc, shape, train, trainFiles.count(), test),
                    new TrainingListener() {
                        @Override
                        public void onStep(StepProgress s) {
                            stepNanos[0] += s.nanos();
                            progress.step(s.epoch(), s.step(), s.stepsPerEpoch(), s.lossSum(), s.samples());
                        }

                        @Override
                        public void onEpoch(EpochMetrics m) {
                            progress.clear();
                            if (!common.quiet) {
                                LOG.info(EpochLine.format(m, config));
                            }
                            metrics.epoch(m);
                        }
                    });
            Trainer.Result result = trainer.train(initial);
            progress.clear();
            double training = phases.sinceLap();
            phases.add("training: steps", stepNanos[0] / 1e9);
            phases.add("training: evaluations and the rest", training - stepNanos[0] / 1e9);
            double total = (System.nanoTime() - started) / 1e9;
            ObjectNode meta = metadata(config, sc, partitions, trainFiles, testFiles, result, total);
            ModelFiles.save(hadoop, out, shape, result.params(), meta, overwrite);
            phases.lap("write the model");
            metrics.last(result.returned(), out, total);
            if (report != null) {
                EvalSums finalTest = SparkBackend.evaluate(sc, shape, test, result.params(),
                        "report: evaluate the returned weights on the test set");
                MisclassifiedSamples wrong = SparkBackend.misclassified(sc, shape, test, result.params(),
                        RunReport.DIGITS, "report: collect misclassified test digits");
                phases.lap("report: test-set passes");
                RunReport.write(hadoop, report, RunReport.build("shallownet training report", config,
                        reportOptions(config, sc, partitions, dataDir, out), trainFiles, testFiles, result, finalTest,
                        wrong, phases.phases(), out));
                if (!common.quiet) {
                    LOG.info("report written to {}", report);
                }
            }
            if (!common.quiet) {
                LOG.info("model written to {}; {} {} in {} s; {} steps, median {} ms (p90 {} ms); test error {} %", out,
                        config.epochs(), config.fullBatch() ? "iterations" : "epochs",
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
        return Main.EXIT_OK;
    }

    /** The options over the preset's values. */
    private TrainingConfig recipe(int hiddenUnits) {
        Preset p = Preset.parse(preset);
        TrainingConfig.Optimizer o = p.optimizer;
        TrainingConfig.Optimizer optimizer = new TrainingConfig.Optimizer(
                momentum != null ? momentum : o.momentum(),
                nesterov != null ? nesterov : o.nesterov() && (momentum == null || momentum > 0),
                lrSchedule != null ? shallownet.train.LearningRateSchedule.parse(lrSchedule) : o.schedule(),
                lrDecay != null ? lrDecay : (o.decay() == 1 ? 0.9 : o.decay()),
                lrStepEpochs != null ? lrStepEpochs : o.stepEpochs(),
                weightDecay != null ? weightDecay : o.weightDecay());
        return new TrainingConfig(hiddenUnits, batchSize != null ? batchSize : p.batchSize,
                lr != null ? lr : p.learningRate, epochs != null ? epochs : p.epochs, seed, fullBatch, evalEvery,
                classes, optimizer, validationFraction, patience);
    }

    private static String describe(TrainingConfig c) {
        TrainingConfig.Optimizer o = c.optimizer();
        String method = o.momentum() == 0 ? "SGD" : String.format("SGD with %s momentum %s",
                o.nesterov() ? "Nesterov" : "classical", o.momentum());
        String extras = (o.schedule() == shallownet.train.LearningRateSchedule.CONSTANT ? "" : ", " + o.schedule() + " schedule")
                + (o.weightDecay() > 0 ? ", weight decay " + o.weightDecay() : "")
                + (c.validationFraction() > 0 ? ", validation fraction " + c.validationFraction() : "")
                + (c.patience() > 0 ? ", patience " + c.patience() : "");
        return c.fullBatch()
                ? String.format("full-batch gradient descent, lr %s, %d iterations, seed %d%s", c.learningRate(), c.epochs(), c.seed(), extras)
                : String.format("minibatch %s, B=%d, lr %s, %d epochs, seed %d%s", method, c.batchSize(), c.learningRate(),
                        c.epochs(), c.seed(), extras);
    }

    /**
     * Per-step progress on stderr: an updating line at a terminal, a log line every 30 s
     * otherwise (--progress overrides the choice), nothing with --quiet.
     */
    private ProgressLine progressLine(TrainingConfig c) {
        ProgressLine.Mode mode = ProgressLine.Mode.choose(progress, common.quiet, System.console() != null);
        return new ProgressLine(mode, c.fullBatch() ? "iteration" : "epoch", c.epochs(), c.classes(), System::nanoTime,
                text -> {
                    System.err.print(text);
                    System.err.flush();
                }, LOG::info, 30_000_000_000L);
    }

    /** The configuration table of the report. */
    private List<TrainingReport.Entry> reportOptions(TrainingConfig c, JavaSparkContext sc, int partitions,
                                                     String dataDir, String out) {
        TrainingConfig.Optimizer o = c.optimizer();
        List<TrainingReport.Entry> e = new ArrayList<>();
        e.add(RunReport.entry("method", describe(c)));
        e.add(RunReport.entry("preset", preset));
        e.add(RunReport.entry("network", c.hidden() + " hidden units, " + c.classes() + " classes"));
        e.add(RunReport.entry("batch size", c.fullBatch() ? "full batch" : c.batchSize()));
        e.add(RunReport.entry("learning rate", c.learningRate()));
        e.add(RunReport.entry(c.fullBatch() ? "iterations" : "epochs", c.epochs()));
        e.add(RunReport.entry("momentum", o.momentum() + (o.nesterov() ? " (Nesterov)" : "")));
        e.add(RunReport.entry("learning-rate schedule", o.schedule()));
        e.add(RunReport.entry("weight decay", o.weightDecay()));
        e.add(RunReport.entry("validation fraction", c.validationFraction()));
        e.add(RunReport.entry("patience", c.patience()));
        e.add(RunReport.entry("evaluate every (--eval-every)", c.evalEvery() == 0 ? "only after the last"
                : String.valueOf(c.evalEvery())));
        e.add(RunReport.entry("seed", c.seed()));
        e.add(RunReport.entry("init model", initModel == null ? "none (fresh weights)" : initModel));
        e.add(RunReport.entry("data", dataDir));
        e.add(RunReport.entry("model out", out));
        e.add(RunReport.entry("Spark master", sc.master()));
        e.add(RunReport.entry("partitions", partitions));
        e.add(RunReport.entry("Spark version", sc.version()));
        e.add(RunReport.entry("shallownet version", Version.get()));
        return e;
    }

    private void checkFits(SavedModel m, LabeledIdxFiles files) {
        if (m.shape().inputs() != files.pixelsPerImage()) {
            throw BadInputException.about(initModel, "has " + m.shape().inputs() + " inputs, but the images of "
                    + files.imagesPath() + " have " + files.pixelsPerImage() + " pixels");
        }
        if (m.shape().outputs() != classes) {
            throw BadInputException.about(initModel, "has " + m.shape().outputs() + " outputs, but --classes is " + classes);
        }
        if (hidden != null && hidden != m.shape().hidden()) {
            throw BadInputException.about(initModel, "has " + m.shape().hidden() + " hidden units, but --hidden is " + hidden);
        }
    }

    private ObjectNode metadata(TrainingConfig c, JavaSparkContext sc, int partitions, LabeledIdxFiles train,
                                LabeledIdxFiles test, Trainer.Result result, double total) {
        ObjectNode meta = ModelFiles.json().createObjectNode();
        meta.put("created", Instant.now().toString());
        meta.put("shallownet_version", Version.get());
        meta.put("spark_version", sc.version());
        ObjectNode t = meta.putObject("training");
        t.put("method", c.fullBatch() ? "full_batch_gradient_descent" : "minibatch_sgd");
        t.put("preset", preset);
        t.put("batch_size", c.batchSize());
        t.put("learning_rate", c.learningRate());
        t.put("epochs", c.epochs());
        t.put("seed", c.seed());
        t.put("classes", c.classes());
        t.put("momentum", c.optimizer().momentum());
        t.put("nesterov", c.optimizer().nesterov());
        t.put("lr_schedule", c.optimizer().schedule().toString());
        t.put("lr_decay", c.optimizer().decay());
        t.put("lr_step_epochs", c.optimizer().stepEpochs());
        t.put("weight_decay", c.optimizer().weightDecay());
        t.put("validation_fraction", c.validationFraction());
        t.put("patience", c.patience());
        t.put("best_epoch", result.bestEpoch() >= 0 ? result.bestEpoch() : result.last().epoch());
        t.put("stopped_early", result.stoppedEarly());
        t.put("partitions", partitions);
        t.put("master", sc.master());
        t.put("init_model", initModel);
        ObjectNode d = meta.putObject("data");
        fingerprint(d.putObject("train"), train);
        fingerprint(d.putObject("test"), test);
        EpochMetrics last = result.returned();
        ObjectNode m = meta.putObject("metrics");
        m.put("epoch", last.epoch());
        m.put("train_loss", last.trainLoss());
        m.put("train_error_pct", last.trainErrorPct());
        m.put("test_loss", last.testLoss());
        m.put("test_error_pct", last.testErrorPct());
        if (last.hasValidation()) {
            m.put("validation_loss", last.validationLoss());
            m.put("validation_error_pct", last.validationErrorPct());
        }
        m.put("seconds_training", result.seconds());
        m.put("seconds_total", total);
        m.put("steps", result.steps().steps());
        m.put("step_median_ms", result.steps().medianMs());
        ArrayNode h = meta.putArray("history");
        for (EpochMetrics e : result.history()) {
            h.add(MetricsWriter.toJson(e));
        }
        return meta;
    }

    private static void fingerprint(ObjectNode node, LabeledIdxFiles f) {
        node.put("images", f.imagesPath());
        node.put("images_sha256", f.imagesSha256());
        node.put("labels", f.labelsPath());
        node.put("labels_sha256", f.labelsSha256());
        node.put("count", f.count());
        node.put("rows", f.rows());
        node.put("cols", f.cols());
    }

    /** JSON Lines metrics, rewritten whole after each epoch so that a reader never sees half a line. */
    static final class MetricsWriter {
        private final Configuration conf;
        private final String path;
        private final List<String> lines = new ArrayList<>();

        MetricsWriter(Configuration conf, String path) {
            this.conf = conf;
            this.path = path;
        }

        static ObjectNode toJson(EpochMetrics m) {
            ObjectNode o = ModelFiles.json().createObjectNode();
            o.put("epoch", m.epoch());
            o.put("train_loss", m.trainLoss());
            o.put("train_error_pct", m.trainErrorPct());
            o.put("test_loss", m.testLoss());
            o.put("test_error_pct", m.testErrorPct());
            if (m.hasValidation()) {
                o.put("validation_loss", m.validationLoss());
                o.put("validation_error_pct", m.validationErrorPct());
            }
            o.put("elapsed_s", m.elapsedSeconds());
            return o;
        }

        void epoch(EpochMetrics m) {
            append(toJson(m));
        }

        void last(EpochMetrics m, String model, double total) {
            ObjectNode o = ModelFiles.json().createObjectNode();
            o.put("final", true);
            o.setAll(toJson(m));
            o.put("model", model);
            o.put("seconds_total", total);
            append(o);
        }

        private void append(ObjectNode o) {
            if (path == null) {
                return;
            }
            lines.add(o.toString());
            try {
                Path p = new Path(path);
                FileSystem fs = HadoopFiles.of(p, conf);
                try (OutputStream out = fs.create(p, true)) {
                    out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not write metrics to " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
