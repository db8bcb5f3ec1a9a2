package shallownet.report;

import static shallownet.report.Markup.coord;
import static shallownet.report.Markup.esc;

import java.util.List;

/** Horizontal bars with labels and values, as SVG (the phase timings). */
final class BarChart {

    static final int WIDTH = 520;
    private static final int LABEL = 190;
    private static final int VALUE = 70;
    private static final int ROW = 22;

    record Bar(String label, double value, String text) {
    }

    private BarChart() {
    }

    static String svg(String id, String title, List<Bar> bars) {
        double max = 0;
        for (Bar bar : bars) {
            max = Math.max(max, bar.value());
        }
        int height = Math.max(1, bars.size()) * ROW + 4;
        double span = WIDTH - LABEL - VALUE;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart bar-chart\" id=\"").append(esc(id))
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"").append(esc(title))
                .append("\"><title>").append(esc(title)).append("</title>");
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double w = max > 0 && Double.isFinite(bar.value()) ? Math.max(1, span * bar.value() / max) : 1;
            int y = 2 + i * ROW;
            b.append("<g class=\"bar\" data-label=\"").append(esc(bar.label())).append("\">");
            b.append("<text x=\"").append(LABEL - 8).append("\" y=\"").append(coord(y + ROW / 2.0))
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").append(esc(bar.label())).append("</text>");
            b.append("<rect x=\"").append(LABEL).append("\" y=\"").append(y + 3).append("\" width=\"").append(coord(w))
                    .append("\" height=\"").append(ROW - 6).append("\" fill=\"#4e79a7\"/>");
            b.append("<text x=\"").append(coord(LABEL + w + 6)).append("\" y=\"").append(coord(y + ROW / 2.0))
                    .append("\" dominant-baseline=\"middle\">").append(esc(bar.text())).append("</text>");
            b.append("</g>");
        }
        b.append("</svg>");
        return b.toString();
    }
}
