package shallownet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import shallownet.AtomicFile;
import shallownet.CommandFailure;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import shallownet.data.CacheReport;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.train.SparkBackend;
import shallownet.net.EvalSums;
import shallownet.report.ReportHtml;
import shallownet.report.TrainingReport;
import shallownet.train.MisclassifiedSamples;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;

/**
 * The HTML report of a training run ({@code --report FILE}): gathers what the run knows into a
 * {@link TrainingReport} and writes the page through Hadoop's FileSystem, like the other outputs.
 */
final class RunReport {

    /** How many misclassified test digits the report shows. */
    static final int DIGITS = 50;

    private RunReport() {
    }

    /**
     * @param options   the run's options as shown in the configuration table, in order
     * @param finalTest the test set evaluated at the returned weights (the confusion matrix)
     */
    /**
     * Evaluates the returned weights on the test set (confusion matrix, misclassified digits: two
     * Spark passes, timed as a phase) and writes the report to {@code path}.
     *
     * @param sections extra sections shown under the headline figures (e.g. retrain's gate), may be empty
     */
    static void evaluateAndWrite(JavaSparkContext sc, Configuration conf, String path, String title,
                                 NetworkShape shape, JavaRDD<SampleBlock> testSet, TrainingConfig config,
                                 List<TrainingReport.Entry> options, LabeledIdxFiles train, LabeledIdxFiles test,
                                 Trainer.Result result, PhaseTimes phases, String model,
                                 List<TrainingReport.Section> sections) {
        EvalSums finalTest = SparkBackend.evaluate(sc, shape, testSet, result.params(),
                "report: evaluate the returned weights on the test set");
        MisclassifiedSamples wrong = SparkBackend.misclassified(sc, shape, testSet, result.params(), DIGITS,
                "report: collect misclassified test digits");
        phases.lap("report: test-set passes");
        write(conf, path, build(title, config, options, train, test, result, finalTest, wrong, phases.phases(), model,
                sections));
    }

    static TrainingReport build(String title, TrainingConfig config, List<TrainingReport.Entry> options,
                                LabeledIdxFiles train, LabeledIdxFiles test, Trainer.Result result, EvalSums finalTest,
                                MisclassifiedSamples misclassified, List<TrainingReport.Phase> phases, String model,
                                List<TrainingReport.Section> sections) {
        int k = finalTest.classes();
        long[][] confusion = new long[k][k];
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                confusion[t][p] = finalTest.confusion(t, p);
            }
        }
        List<TrainingReport.Digit> digits = new ArrayList<>();
        for (MisclassifiedSamples.Sample s : misclassified.samples()) {
            digits.add(new TrainingReport.Digit(s.index(), s.pixels(), test.rows(), test.cols(), s.label(), s.predicted()));
        }
        String unit = config.fullBatch() ? "iteration" : "epoch";
        List<TrainingReport.Entry> summary = new ArrayList<>();
        summary.add(entry("test error", String.format(Locale.ROOT, "%.2f %%", finalTest.errorPercent())));
        summary.add(entry("test loss", String.format(Locale.ROOT, "%.6f", finalTest.loss())));
        summary.add(entry(unit + "s", result.last().epoch() + " of " + config.epochs()
                + (result.stoppedEarly() ? " (stopped early)" : "")));
        if (result.bestEpoch() >= 0) {
            summary.add(entry("weights of " + unit, String.valueOf(result.bestEpoch())));
        }
        summary.add(entry("training time", String.format(Locale.ROOT, "%.1f s", result.seconds())));
        summary.add(entry("steps", String.format(Locale.ROOT, "%d, median %.2f ms", result.steps().steps(),
                result.steps().medianMs())));
        summary.add(entry("model", model));
        summary.add(entry("created", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
        List<TrainingReport.Fingerprint> data = List.of(
                fingerprint("training images", train.imagesPath(), train.imagesSha256(), train),
                fingerprint("training labels", train.labelsPath(), train.labelsSha256(), train),
                fingerprint("test images", test.imagesPath(), test.imagesSha256(), test),
                fingerprint("test labels", test.labelsPath(), test.labelsSha256(), test));
        return new TrainingReport(title, summary, options, data, result.history(), unit, confusion, digits, phases,
                sections);
    }

    /** Where the run ran, for the end of the configuration table: data, Spark, versions. */
    static List<TrainingReport.Entry> whereEntries(JavaSparkContext sc, String dataDir, int partitions) {
        return List.of(entry("data", dataDir), entry("Spark master", sc.master()), entry("partitions", partitions),
                entry("Spark version", sc.version()), entry("shallownet version", Version.get()));
    }

    /** The report's section on what Spark held of the cached sets. */
    static TrainingReport.Section cacheSection(CacheReport c) {
        return new TrainingReport.Section("memory", "Cached data (Spark storage after loading)", List.of(
                entry("data (pixels and labels)", String.format(Locale.ROOT, "%.1f MB", c.dataBytes() / 1e6)),
                entry("in memory", String.format(Locale.ROOT, "%.1f MB", c.memoryBytes() / 1e6)),
                entry("spilled to local disk", String.format(Locale.ROOT, "%.1f MB", c.diskBytes() / 1e6)),
                entry("partitions cached", c.cached() + " of " + c.partitions()),
                entry("all in memory", c.allInMemory() ? "yes" : "no: read back on every step, slower"),
                entry("would hold it all in memory", c.setting())));
    }

    static TrainingReport.Entry entry(String name, Object value) {
        return new TrainingReport.Entry(name, String.valueOf(value));
    }

    private static TrainingReport.Fingerprint fingerprint(String what, String path, String sha, LabeledIdxFiles f) {
        boolean images = what.endsWith("images");
        return new TrainingReport.Fingerprint(what, path, sha, f.count(), images ? f.rows() + "x" + f.cols() : "1");
    }

    /**
     * Writes the page to {@code path} (any Hadoop file system), replacing an existing file; through
     * a hidden sibling renamed into place, so a failed write leaves no truncated page.
     */
    static void write(Configuration conf, String path, TrainingReport report) {
        try {
            AtomicFile.write(conf, path, ReportHtml.render(report).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CommandFailure("could not write the report to " + path + ": "
                    + CommandFailure.rootMessage(e), e);
        }
    }
}
