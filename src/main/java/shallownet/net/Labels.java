package shallownet.net;

/** One-hot codes and back (the notebook's {@code label2onehot} and {@code onehot2label}). */
public final class Labels {

    private Labels() {
    }

    /** Column-major {@code classes x n} one-hot matrix of {@code labels}. */
    public static double[] toOneHot(byte[] labels, int classes) {
        double[] d = new double[classes * labels.length];
        for (int s = 0; s < labels.length; s++) {
            int label = Byte.toUnsignedInt(labels[s]);
            if (label >= classes) {
                throw new IllegalArgumentException("label " + label + " at " + s + " is not below " + classes);
            }
            d[s * classes + label] = 1;
        }
        return d;
    }

    /** Index of the largest entry of each column; the first one on ties, as numpy's argmax. */
    public static int[] argmaxColumns(double[] m, int rows) {
        int[] out = new int[m.length / rows];
        for (int c = 0; c < out.length; c++) {
            int best = 0;
            for (int r = 1; r < rows; r++) {
                if (m[c * rows + r] > m[c * rows + best]) {
                    best = r;
                }
            }
            out[c] = best;
        }
        return out;
    }
}
