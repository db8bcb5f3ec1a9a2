package shallownet.report;

import static shallownet.report.Markup.coord;
import static shallownet.report.Markup.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of a few series over epochs, as inline SVG: linear axes from 0 with round ticks,
 * one polyline per series with one point per finite value (a marker with the exact figure as a
 * tooltip at each), and a legend. Hand-made because it is a few dozen elements.
 */
final class LineChart {

    static final int WIDTH = 520;
    static final int HEIGHT = 280;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;

    /**
     * A named series: {@code y[i]} at epoch {@code x[i]}; non-finite values are left out. Each has
     * its own dash pattern (null: solid), because train, test and validation curves often overlap.
     */
    record Series(String name, String color, String dash, int[] x, double[] y) {
    }

    private LineChart() {
    }

    static String svg(String id, String title, String xLabel, String yLabel, String unit, List<Series> series) {
        int xMax = 1;
        double yMax = 0;
        double yMin = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMax = Math.max(xMax, s.x()[i]);
                if (Double.isFinite(s.y()[i])) {
                    yMax = Math.max(yMax, s.y()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                }
            }
        }
        // The untrained network's figures are many times the trained one's: on a linear axis every
        // epoch after the first would lie flat at the bottom. A log axis shows them all, as long as
        // every value is positive (a 0 % error has no logarithm).
        boolean log = yMin > 0 && yMax / yMin > 3;
        double[] ticks = log ? logTicks(yMin, yMax) : linearTicks(yMax);
        double lo = ticks[0];
        double hi = ticks[ticks.length - 1];
        int xStep = (int) Math.max(1, niceStep(xMax, 10));
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        final int xm = xMax;
        java.util.function.IntToDoubleFunction px = x -> LEFT + plotW * x / xm;
        java.util.function.DoubleUnaryOperator py = log
                ? y -> TOP + plotH * (1 - Math.log(y / lo) / Math.log(hi / lo))
                : y -> TOP + plotH * (1 - y / hi);

        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart line-chart\" id=\"").append(esc(id))
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">");
        b.append("<title>").append(esc(title)).append("</title>");
        // Grid and y ticks.
        b.append("<g class=\"axis y-axis\" data-scale=\"").append(log ? "log" : "linear").append("\">");
        for (double v : ticks) {
            String y = coord(py.applyAsDouble(v));
            b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(y)
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">")
                    .append(tickLabel(v)).append("</text>");
        }
        b.append("</g><g class=\"axis x-axis\">");
        for (int x = 0; x <= xMax; x += xStep) {
            String cx = coord(px.applyAsDouble(x));
            b.append("<line class=\"tick-mark\" x1=\"").append(cx).append("\" x2=\"").append(cx).append("\" y1=\"")
                    .append(HEIGHT - BOTTOM).append("\" y2=\"").append(HEIGHT - BOTTOM + 4).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(cx).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                    .append("\" text-anchor=\"middle\">").append(x).append("</text>");
        }
        b.append("<line class=\"axis-line\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
                .append("\" y1=\"").append(HEIGHT - BOTTOM).append("\" y2=\"").append(HEIGHT - BOTTOM).append("\"/>");
        b.append("<text class=\"axis-label\" x=\"").append(coord(LEFT + plotW / 2)).append("\" y=\"")
                .append(HEIGHT - 6).append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");
        b.append("<text class=\"axis-label\" x=\"").append(LEFT).append("\" y=\"14\">")
                .append(esc(yLabel + (log ? " (log scale)" : "")))
                .append("</text></g>");
        // Series and legend.
        List<String> legend = new ArrayList<>();
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            StringBuilder markers = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                double v = s.y()[i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                String cx = coord(px.applyAsDouble(s.x()[i]));
                String cy = coord(py.applyAsDouble(v));
                points.append(points.length() == 0 ? "" : " ").append(cx).append(',').append(cy);
                markers.append("<circle cx=\"").append(cx).append("\" cy=\"").append(cy).append("\" r=\"3\"><title>")
                        .append(esc(s.name() + ", " + xLabel.toLowerCase(Locale.ROOT) + " " + s.x()[i] + ": "
                                + String.format(Locale.ROOT, "%.6g", v) + unit))
                        .append("</title></circle>");
            }
            b.append("<g class=\"series\" data-series=\"").append(esc(s.name())).append("\" stroke=\"")
                    .append(s.color()).append("\" fill=\"").append(s.color()).append("\">");
            b.append("<polyline fill=\"none\" stroke-width=\"2\"")
                    .append(s.dash() == null ? "" : " stroke-dasharray=\"" + s.dash() + "\"")
                    .append(" points=\"").append(points).append("\"/>");
            b.append(markers).append("</g>");
            legend.add("<tspan fill=\"" + s.color() + "\">" + (s.dash() == null ? "\u2014" : "- -") + "</tspan>\u00A0"
                    + esc(s.name()));
        }
        // One slot per entry, right-aligned from the top right corner.
        for (int i = 0; i < legend.size(); i++) {
            b.append("<text class=\"legend\" x=\"").append(WIDTH - RIGHT - 96 * (legend.size() - 1 - i))
                    .append("\" y=\"14\" text-anchor=\"end\">").append(legend.get(i)).append("</text>");
        }
        b.append("</svg>");
        return b.toString();
    }

    /** 0 and round steps up to the first at or above {@code max}. */
    static double[] linearTicks(double max) {
        double top = max > 0 ? max : 1;
        double step = niceStep(top, 5);
        int n = (int) Math.ceil(top / step - 1e-9);
        double[] ticks = new double[n + 1];
        for (int t = 0; t <= n; t++) {
            ticks[t] = t * step;
        }
        return ticks;
    }

    /**
     * The values 1, 2 and 5 times a power of ten, from the last at or below {@code min} to the
     * first at or above {@code max} ({@code 0 < min <= max}).
     */
    static double[] logTicks(double min, double max) {
        List<Double> all = new ArrayList<>();
        for (int e = (int) Math.floor(Math.log10(min)) - 1; e <= (int) Math.ceil(Math.log10(max)) + 1; e++) {
            for (int m : new int[] {1, 2, 5}) {
                all.add(m * Math.pow(10, e));
            }
        }
        int first = 0;
        while (all.get(first + 1) <= min * (1 + 1e-9)) {
            first++;
        }
        int last = first;
        while (all.get(last) < max * (1 - 1e-9)) {
            last++;
        }
        return all.subList(first, last + 1).stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A tick value as written by hand: 0.05, 0.2, 10, 2.5. */
    static String tickLabel(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** A round step (1, 2 or 5 times a power of ten) giving about {@code target} intervals up to {@code max}. */
    static double niceStep(double max, int target) {
        double raw = max / target;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * p;
    }
}
