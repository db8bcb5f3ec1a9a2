package shallownet.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import shallownet.AtomicFile;
import shallownet.CommandFailure;
import shallownet.ShallownetVersion;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.train.SparkBackend;
import shallownet.net.EvalSums;
import shallownet.report.PhaseTimes;
import shallownet.report.ReportAssembly;
import shallownet.report.ReportHtml;
import shallownet.report.TrainingReport;
import shallownet.train.MisclassifiedSamples;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;

/**
 * The HTML report of a training run ({@code --report FILE}): gathers what the run knows into a
 * {@link TrainingReport} and writes the page through Hadoop's FileSystem, like the other outputs.
 */
public final class RunReport {

    /** How many misclassified test digits the report shows. */
    public static final int DIGITS = 50;

    private RunReport() {
    }

    /**
     * Evaluates the returned weights on the test set (confusion matrix, misclassified digits: two
     * Spark passes, timed as a phase) and writes the report to {@code path}.
     *
     * @param sections extra sections shown under the headline figures (e.g. retrain's gate), may be empty
     */
    public static void evaluateAndWrite(JavaSparkContext sc, Configuration conf, String path, String title,
                                 NetworkShape shape, JavaRDD<SampleBlock> testSet, TrainingConfig config,
                                 List<TrainingReport.Entry> options, LabeledIdxFiles train, LabeledIdxFiles test,
                                 Trainer.Result result, PhaseTimes phases, String model,
                                 List<TrainingReport.Section> sections) {
        EvalSums finalTest = SparkBackend.evaluate(sc, shape, testSet, result.params(),
                "report: evaluate the returned weights on the test set");
        MisclassifiedSamples wrong = SparkBackend.misclassified(sc, shape, testSet, result.params(), DIGITS,
                "report: collect misclassified test digits");
        phases.lap("report: test-set passes");
        write(conf, path, ReportAssembly.build(title, config, options, train, test, result, finalTest, wrong, phases.phases(), model,
                sections));
    }


    /** Where the run ran, for the end of the configuration table: data, Spark, versions. */
    public static List<TrainingReport.Entry> whereEntries(JavaSparkContext sc, String dataDir, int partitions) {
        return List.of(ReportAssembly.entry("data", dataDir), ReportAssembly.entry("Spark master", sc.master()), ReportAssembly.entry("partitions", partitions),
                ReportAssembly.entry("Spark version", sc.version()), ReportAssembly.entry("shallownet version", ShallownetVersion.get()));
    }




    /**
     * Writes the page to {@code path} (any Hadoop file system), replacing an existing file; through
     * a hidden sibling renamed into place, so a failed write leaves no truncated page.
     */
    public static void write(Configuration conf, String path, TrainingReport report) {
        try {
            AtomicFile.write(conf, path, ReportHtml.render(report).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CommandFailure("could not write the report to " + path + ": "
                    + CommandFailure.rootMessage(e), e);
        }
    }

    /** The recipe's rows of a report's configuration table; {@code settings} names a setting as the user sets it. */
    public static List<TrainingReport.Entry> recipeEntries(TrainingConfig c, String preset, UnaryOperator<String> settings) {
        TrainingConfig.Optimizer o = c.optimizer();
        List<TrainingReport.Entry> e = new ArrayList<>();
        e.add(ReportAssembly.entry("method", c.describe()));
        e.add(ReportAssembly.entry("preset", preset));
        e.add(ReportAssembly.entry("network", c.hidden() + " hidden units, " + c.classes() + " classes"));
        e.add(ReportAssembly.entry("batch size", c.fullBatch() ? "full batch" : c.batchSize()));
        e.add(ReportAssembly.entry("learning rate", c.learningRate()));
        e.add(ReportAssembly.entry(c.fullBatch() ? "iterations" : "epochs", c.epochs()));
        e.add(ReportAssembly.entry("momentum", o.momentum() + (o.nesterov() ? " (Nesterov)" : "")));
        e.add(ReportAssembly.entry("learning-rate schedule", o.schedule()));
        e.add(ReportAssembly.entry("weight decay", o.weightDecay()));
        e.add(ReportAssembly.entry("validation fraction", c.validationFraction()));
        e.add(ReportAssembly.entry("patience", c.patience()));
        e.add(ReportAssembly.entry("evaluate every (" + settings.apply("evalEvery") + ")", c.evalEvery() == 0 ? "only after the last"
                : String.valueOf(c.evalEvery())));
        e.add(ReportAssembly.entry("seed", c.seed()));
        return e;
    }
}
