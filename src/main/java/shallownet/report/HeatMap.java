package shallownet.report;

import static shallownet.report.Markup.coord;

import java.util.Locale;

/**
 * The confusion matrix as an SVG heat map: a cell per (true, predicted) pair holding its count,
 * shaded by the count's share of its row (so the diagonal reads as recall). The shade follows
 * the square root of the share, or the few errors of a good model would all look white.
 */
final class HeatMap {

    private static final int LEFT = 44;
    private static final int TOP = 40;

    private HeatMap() {
    }

    static String svg(String id, long[][] confusion) {
        int k = confusion.length;
        int cell = Math.max(14, Math.min(40, 420 / Math.max(1, k)));
        int width = LEFT + k * cell + 8;
        int height = TOP + k * cell + 8;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heat-map\" id=\"").append(Markup.esc(id))
                .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"confusion matrix of the test set\">");
        b.append("<title>confusion matrix of the test set: rows true label, columns predicted label</title>");
        b.append("<text class=\"axis-label\" x=\"").append(coord(LEFT + k * cell / 2.0))
                .append("\" y=\"12\" text-anchor=\"middle\">predicted</text>");
        b.append("<text class=\"axis-label\" x=\"10\" y=\"").append(coord(TOP + k * cell / 2.0))
                .append("\" text-anchor=\"middle\" transform=\"rotate(-90 10 ").append(coord(TOP + k * cell / 2.0))
                .append(")\">true</text>");
        int font = Math.max(8, Math.min(12, cell / 3));
        for (int c = 0; c < k; c++) {
            b.append("<text class=\"tick\" x=\"").append(coord(LEFT + (c + 0.5) * cell)).append("\" y=\"")
                    .append(TOP - 8).append("\" text-anchor=\"middle\">").append(c).append("</text>");
            b.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(coord(TOP + (c + 0.5) * cell))
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">").append(c).append("</text>");
        }
        for (int t = 0; t < k; t++) {
            long row = 0;
            for (long v : confusion[t]) {
                row += v;
            }
            for (int p = 0; p < k; p++) {
                long v = confusion[t][p];
                double share = row == 0 ? 0 : (double) v / row;
                double shade = Math.sqrt(share);
                // From white to a deep blue; the diagonal in blue, errors in red.
                int[] to = t == p ? new int[] {33, 102, 172} : new int[] {203, 24, 29};
                String fill = String.format(Locale.ROOT, "rgb(%d,%d,%d)", mix(255, to[0], shade), mix(255, to[1], shade),
                        mix(255, to[2], shade));
                int x = LEFT + p * cell;
                int y = TOP + t * cell;
                b.append("<g class=\"cell\" data-true=\"").append(t).append("\" data-predicted=\"").append(p)
                        .append("\" data-count=\"").append(v).append("\">");
                b.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(cell)
                        .append("\" height=\"").append(cell).append("\" fill=\"").append(fill).append("\"><title>")
                        .append(String.format(Locale.ROOT, "true %d, predicted %d: %d (%.1f %% of true %d)", t, p, v,
                                100 * share, t))
                        .append("</title></rect>");
                if (v > 0) {
                    b.append("<text x=\"").append(coord(x + cell / 2.0)).append("\" y=\"").append(coord(y + cell / 2.0))
                            .append("\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"").append(font)
                            .append("\" fill=\"").append(shade > 0.6 ? "#fff" : "#222").append("\">").append(v)
                            .append("</text>");
                }
                b.append("</g>");
            }
        }
        b.append("</svg>");
        return b.toString();
    }

    private static int mix(int from, int to, double f) {
        return (int) Math.round(from + (to - from) * f);
    }
}
