package shallownet.report;

import java.util.List;
import shallownet.train.EpochMetrics;

/**
 * Everything a training report shows, as plain values (no Spark): what {@link ReportHtml} renders.
 *
 * @param title         the page heading
 * @param summary       the headline figures, in order (e.g. test error, model path)
 * @param configuration the training options, in order
 * @param data          the input files and their fingerprints
 * @param history       the metrics of every evaluated epoch, epoch 0 (the initial network) first
 * @param epochUnit     "epoch", or "iteration" for full-batch descent
 * @param confusion     test-set counts, {@code confusion[true][predicted]}, of the returned weights
 * @param misclassified the first misclassified test samples, by index
 * @param phases        wall time of each phase of the run, in order
 * @param sections      further tables shown under the headline figures, e.g. a retrain's quality gate and
 *                      promotion; empty for a plain training run
 */
public record TrainingReport(String title, List<Entry> summary, List<Entry> configuration, List<Fingerprint> data,
                             List<EpochMetrics> history, String epochUnit, long[][] confusion,
                             List<Digit> misclassified, List<Phase> phases, List<Section> sections) {

    /** A report without further sections. */
    public TrainingReport(String title, List<Entry> summary, List<Entry> configuration, List<Fingerprint> data,
                          List<EpochMetrics> history, String epochUnit, long[][] confusion,
                          List<Digit> misclassified, List<Phase> phases) {
        this(title, summary, configuration, data, history, epochUnit, confusion, misclassified, phases, List.of());
    }

    public TrainingReport {
        sections = List.copyOf(sections);
        for (long[] row : confusion) {
            if (row.length != confusion.length) {
                throw new IllegalArgumentException("confusion matrix must be square, got a row of " + row.length
                        + " in " + confusion.length + " rows");
            }
        }
    }

    /** A labelled value. */
    public record Entry(String name, String value) {
    }

    /** One input file: which data set and role, its path, the SHA-256 of its content, and its shape. */
    public record Fingerprint(String file, String path, String sha256, long records, String shape) {
    }

    /** A test sample: its index in the test set, pixels (row-major uint8), true and predicted label. */
    public record Digit(int index, byte[] pixels, int rows, int cols, int trueLabel, int predicted) {
    }

    /**
     * A table of labelled values under its own heading; {@code id} names the section and its table
     * in the page (letters, digits and '-').
     */
    public record Section(String id, String heading, List<Entry> entries) {
        public Section {
            if (!id.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("section id must be lower-case letters, digits and '-', got " + id);
            }
            entries = List.copyOf(entries);
        }
    }

    /** A phase of the run and its wall time. */
    public record Phase(String name, double seconds) {
    }

    public int classes() {
        return confusion.length;
    }

    /** Test samples counted in the confusion matrix. */
    public long testCount() {
        long n = 0;
        for (long[] row : confusion) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    /** Misclassified test samples in total (the grid shows at most {@code misclassified().size()}). */
    public long errorCount() {
        long n = 0;
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                if (t != p) {
                    n += confusion[t][p];
                }
            }
        }
        return n;
    }
}
