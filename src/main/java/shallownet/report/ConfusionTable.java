package shallownet.report;

import shallownet.net.EvalSums;

/** The confusion matrix as text: rows are true labels, columns predicted ones. */
public final class ConfusionTable {

    private ConfusionTable() {
    }

    public static String format(EvalSums s) {
        StringBuilder b = new StringBuilder("confusion matrix (rows: true label, columns: predicted)\n");
        b.append("      ");
        for (int p = 0; p < s.classes(); p++) {
            b.append(String.format("%6d", p));
        }
        b.append("   recall\n");
        for (int t = 0; t < s.classes(); t++) {
            b.append(String.format("%6d", t));
            long row = 0;
            for (int p = 0; p < s.classes(); p++) {
                b.append(String.format("%6d", s.confusion(t, p)));
                row += s.confusion(t, p);
            }
            b.append(row == 0 ? "        -" : String.format("  %6.2f%%", 100.0 * s.confusion(t, t) / row)).append('\n');
        }
        return b.toString();
    }
}
