package shallownet.report;

import static shallownet.report.Markup.esc;
import static shallownet.report.Markup.num;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import shallownet.train.EpochMetrics;

/**
 * A {@link TrainingReport} as one self-contained HTML page: inline CSS, inline SVG charts, digits
 * as PNG data URIs; no script, no external resource, so it opens offline. The markup is also
 * well-formed XML (every element closed, all text escaped), which lets tests read it back with
 * the JDK's XML parser.
 */
public final class ReportHtml {

    static final String TRAIN_COLOR = "#1f77b4";
    static final String TEST_COLOR = "#d62728";
    static final String VALIDATION_COLOR = "#2ca02c";

    private ReportHtml() {
    }

    public static String render(TrainingReport r) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(r.title())).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<header><h1>").append(esc(r.title())).append("</h1>\n<dl class=\"summary\">");
        for (TrainingReport.Entry e : r.summary()) {
            b.append("<div><dt>").append(esc(e.name())).append("</dt><dd>").append(esc(e.value())).append("</dd></div>");
        }
        b.append("</dl></header>\n");
        for (TrainingReport.Section s : r.sections()) {
            b.append("<section id=\"").append(s.id()).append("\" class=\"extra\"><h2>").append(esc(s.heading()))
                    .append("</h2>\n");
            tableBody(b, s.id() + "-table", List.of("item", "value"), rows(s.entries()));
            b.append("</section>\n");
        }
        curves(b, r);
        confusion(b, r);
        misclassified(b, r);
        table(b, "configuration", "Configuration", List.of("option", "value"), rows(r.configuration()));
        fingerprints(b, r);
        timing(b, r);
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void curves(StringBuilder b, TrainingReport r) {
        List<EpochMetrics> h = r.history();
        int[] x = new int[h.size()];
        double[] trainLoss = new double[h.size()];
        double[] testLoss = new double[h.size()];
        double[] valLoss = new double[h.size()];
        double[] trainErr = new double[h.size()];
        double[] testErr = new double[h.size()];
        double[] valErr = new double[h.size()];
        boolean validation = false;
        for (int i = 0; i < h.size(); i++) {
            EpochMetrics m = h.get(i);
            x[i] = m.epoch();
            trainLoss[i] = m.trainLoss();
            testLoss[i] = m.testLoss();
            valLoss[i] = m.validationLoss();
            trainErr[i] = m.trainErrorPct();
            testErr[i] = m.testErrorPct();
            valErr[i] = m.validationErrorPct();
            validation |= m.hasValidation();
        }
        List<LineChart.Series> loss = new ArrayList<>(List.of(new LineChart.Series("train", TRAIN_COLOR, null, x, trainLoss),
                new LineChart.Series("test", TEST_COLOR, "7 4", x, testLoss)));
        List<LineChart.Series> err = new ArrayList<>(List.of(new LineChart.Series("train", TRAIN_COLOR, null, x, trainErr),
                new LineChart.Series("test", TEST_COLOR, "7 4", x, testErr)));
        if (validation) {
            loss.add(new LineChart.Series("validation", VALIDATION_COLOR, "2 3", x, valLoss));
            err.add(new LineChart.Series("validation", VALIDATION_COLOR, "2 3", x, valErr));
        }
        String unit = r.epochUnit();
        String xLabel = unit.substring(0, 1).toUpperCase(Locale.ROOT) + unit.substring(1) + " (0: initial network)";
        b.append("<section id=\"curves\"><h2>Loss and error per ").append(esc(unit)).append("</h2>\n<div class=\"row\">")
                .append("<figure>").append(LineChart.svg("loss-chart", "loss per " + unit, xLabel, "loss", "", loss))
                .append("<figcaption>Loss: the notebook's eval_loss, the mean of \u2212d\u00B7log y over the ")
                .append("classes \u00D7 N entries.</figcaption></figure>")
                .append("<figure>").append(LineChart.svg("error-chart", "% misclassified per " + unit, xLabel,
                        "% misclassified", " %", err))
                .append("<figcaption>Error: the percentage of misclassified samples.</figcaption></figure></div>\n");
        List<String> head = new ArrayList<>(List.of(unit, "train loss", "train error %", "test loss", "test error %"));
        if (validation) {
            head.addAll(List.of("validation loss", "validation error %"));
        }
        head.add("seconds");
        List<List<String>> rows = new ArrayList<>();
        for (EpochMetrics m : h) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(m.epoch()), num(m.trainLoss(), 6),
                    num(m.trainErrorPct(), 3), num(m.testLoss(), 6), num(m.testErrorPct(), 3)));
            if (validation) {
                row.addAll(List.of(num(m.validationLoss(), 6), num(m.validationErrorPct(), 3)));
            }
            row.add(num(m.epochSeconds(), 1));
            rows.add(row);
        }
        tableBody(b, "history", head, rows);
        b.append("</section>\n");
    }

    private static void confusion(StringBuilder b, TrainingReport r) {
        long n = r.testCount();
        b.append("<section id=\"confusion\"><h2>Confusion matrix and per-class scores (test set)</h2>\n<p>")
                .append(r.errorCount()).append(" of ").append(n).append(" test samples misclassified (")
                .append(num(n == 0 ? Double.NaN : 100.0 * r.errorCount() / n, 2))
                .append(" %). Rows are true labels, columns predicted ones; a cell's shade is its share of the row.</p>\n")
                .append("<div class=\"row\"><figure>").append(HeatMap.svg("confusion-chart", r.confusion()))
                .append("</figure>\n");
        List<List<String>> rows = new ArrayList<>();
        for (ClassScores s : ClassScores.of(r.confusion())) {
            rows.add(List.of(String.valueOf(s.label()), pct(s.precision()), pct(s.recall()), String.valueOf(s.support())));
        }
        tableBody(b, "class-scores", List.of("class", "precision %", "recall %", "support"), rows);
        b.append("</div></section>\n");
    }

    private static String pct(double v) {
        return num(100 * v, 2);
    }

    private static void misclassified(StringBuilder b, TrainingReport r) {
        List<TrainingReport.Digit> digits = r.misclassified();
        b.append("<section id=\"misclassified\"><h2>Misclassified test digits</h2>\n<p>");
        if (digits.isEmpty()) {
            b.append("No test digit is misclassified.</p>");
        } else {
            b.append("The first ").append(digits.size()).append(" of ").append(r.errorCount())
                    .append(" by index in the test set: the true label in bold, the prediction after the arrow.</p>\n")
                    .append("<div class=\"digits\">");
            for (TrainingReport.Digit d : digits) {
                String alt = "test #" + d.index() + ": true " + d.trueLabel() + ", predicted " + d.predicted();
                b.append("<figure class=\"digit\" data-index=\"").append(d.index()).append("\" data-true=\"")
                        .append(d.trueLabel()).append("\" data-predicted=\"").append(d.predicted()).append("\">")
                        .append("<img src=\"").append(DigitImage.pngDataUri(d.pixels(), d.rows(), d.cols()))
                        .append("\" width=\"").append(d.cols() * 2).append("\" height=\"").append(d.rows() * 2)
                        .append("\" alt=\"").append(esc(alt)).append("\" title=\"").append(esc(alt)).append("\"/>")
                        .append("<figcaption>#").append(d.index()).append(" <b>").append(d.trueLabel())
                        .append("</b>\u2192").append(d.predicted()).append("</figcaption></figure>");
            }
            b.append("</div>");
        }
        b.append("</section>\n");
    }

    private static void fingerprints(StringBuilder b, TrainingReport r) {
        List<List<String>> rows = new ArrayList<>();
        for (TrainingReport.Fingerprint f : r.data()) {
            rows.add(List.of(f.file(), f.path(), String.valueOf(f.records()), f.shape(), f.sha256()));
        }
        table(b, "data", "Data", List.of("file", "path", "records", "shape", "SHA-256 of the uncompressed content"), rows);
    }

    private static void timing(StringBuilder b, TrainingReport r) {
        List<BarChart.Bar> bars = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        double total = 0;
        for (TrainingReport.Phase p : r.phases()) {
            total += p.seconds();
        }
        for (TrainingReport.Phase p : r.phases()) {
            bars.add(new BarChart.Bar(p.name(), p.seconds(), num(p.seconds(), 2) + " s"));
            rows.add(List.of(p.name(), num(p.seconds(), 2), num(total > 0 ? 100 * p.seconds() / total : Double.NaN, 1)));
        }
        b.append("<section id=\"timing\"><h2>Time per phase</h2>\n<div class=\"row\"><figure>")
                .append(BarChart.svg("phase-chart", "wall time per phase", bars)).append("</figure>\n");
        tableBody(b, "phases", List.of("phase", "seconds", "% of the run"), rows);
        b.append("</div></section>\n");
    }

    private static List<List<String>> rows(List<TrainingReport.Entry> entries) {
        List<List<String>> rows = new ArrayList<>();
        for (TrainingReport.Entry e : entries) {
            rows.add(List.of(e.name(), e.value()));
        }
        return rows;
    }

    private static void table(StringBuilder b, String id, String heading, List<String> head, List<List<String>> rows) {
        b.append("<section id=\"").append(id).append("\"><h2>").append(esc(heading)).append("</h2>\n");
        tableBody(b, id + "-table", head, rows);
        b.append("</section>\n");
    }

    private static void tableBody(StringBuilder b, String id, List<String> head, List<List<String>> rows) {
        b.append("<table id=\"").append(id).append("\"><thead><tr>");
        for (String h : head) {
            b.append("<th>").append(esc(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            b.append("<tr>");
            for (String cell : row) {
                b.append("<td>").append(esc(cell)).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>\n");
    }

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;margin:0 auto;padding:16px 24px;max-width:1120px;background:#fff}
            h1{font-size:22px;margin:4px 0 8px}
            h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
            dl.summary{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0}
            dl.summary dt{font-size:12px;color:#666}
            dl.summary dd{margin:0;font-weight:600}
            .row{display:flex;flex-wrap:wrap;gap:16px 32px;align-items:flex-start}
            figure{margin:0}
            figcaption{font-size:12px;color:#555;max-width:520px}
            svg.chart{display:block;font-size:11px}
            svg .grid{stroke:#e6e6e6}
            svg .axis-line,svg .tick-mark{stroke:#888}
            svg .tick{fill:#555}
            svg .axis-label,svg .legend{fill:#333;font-size:12px}
            table{border-collapse:collapse;font-size:13px;margin:8px 0}
            th,td{border-bottom:1px solid #eee;padding:3px 10px;text-align:right}
            th{background:#f6f6f6;font-weight:600}
            #configuration-table td,#data-table td,#phases td,#configuration-table th,#data-table th,#phases th,section.extra td,section.extra th{text-align:left}
            #data-table td:last-child{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px}
            .digits{display:flex;flex-wrap:wrap;gap:10px}
            .digit{text-align:center;width:64px}
            .digit img{image-rendering:pixelated;border:1px solid #ccc;display:block;margin:0 auto}
            .digit figcaption{font-size:12px;color:#333}
            .digit b{color:#1a7f37}
            """;
}
