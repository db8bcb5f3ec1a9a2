package shallownet.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import shallownet.data.CacheReport;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.EvalSums;
import shallownet.train.MisclassifiedSamples;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;

/** Assembles a {@link TrainingReport} from what a run knows: pure, no Spark, no files. */
public final class ReportAssembly {

    private ReportAssembly() {
    }

    /**
     * The report of a finished run: headline figures, the run's options as given (in order), the
     * data's fingerprints, the epochs' metrics, the confusion matrix of {@code finalTest} (the
     * test set at the returned weights), the misclassified digits, the phases and extra sections.
     */
    public static TrainingReport build(String title, TrainingConfig config, List<TrainingReport.Entry> options,
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

    /** The report's section on what Spark held of the cached sets. */
    public static TrainingReport.Section cacheSection(CacheReport c) {
        return new TrainingReport.Section("memory", "Cached data (Spark storage after loading)", List.of(
                entry("data (pixels and labels)", String.format(Locale.ROOT, "%.1f MB", c.dataBytes() / 1e6)),
                entry("in memory", String.format(Locale.ROOT, "%.1f MB", c.memoryBytes() / 1e6)),
                entry("spilled to local disk", String.format(Locale.ROOT, "%.1f MB", c.diskBytes() / 1e6)),
                entry("partitions cached", c.cached() + " of " + c.partitions()),
                entry("all in memory", c.allInMemory() ? "yes" : "no: read back on every step, slower"),
                entry("would hold it all in memory", c.setting())));
    }

    /** One row of a table: the value as text. */
    public static TrainingReport.Entry entry(String name, Object value) {
        return new TrainingReport.Entry(name, String.valueOf(value));
    }

    private static TrainingReport.Fingerprint fingerprint(String what, String path, String sha, LabeledIdxFiles f) {
        boolean images = what.endsWith("images");
        return new TrainingReport.Fingerprint(what, path, sha, f.count(), images ? f.rows() + "x" + f.cols() : "1");
    }
}
