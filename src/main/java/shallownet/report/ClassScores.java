package shallownet.report;

/**
 * Per-class precision and recall from a confusion matrix ({@code confusion[true][predicted]}):
 * precision = correct / predicted as the class, recall = correct / truly of the class. NaN when
 * the denominator is 0 (a class never predicted, or absent from the set).
 */
public record ClassScores(int label, long support, long predictedCount, long correct) {

    public static ClassScores[] of(long[][] confusion) {
        int k = confusion.length;
        ClassScores[] out = new ClassScores[k];
        for (int c = 0; c < k; c++) {
            long support = 0;
            long predicted = 0;
            for (int o = 0; o < k; o++) {
                support += confusion[c][o];
                predicted += confusion[o][c];
            }
            out[c] = new ClassScores(c, support, predicted, confusion[c][c]);
        }
        return out;
    }

    public double precision() {
        return predictedCount == 0 ? Double.NaN : (double) correct / predictedCount;
    }

    public double recall() {
        return support == 0 ? Double.NaN : (double) correct / support;
    }
}
