package shallownet.net;

/**
 * The notebook's activation functions and their directional derivatives, in double precision so
 * that the finite-difference checks of Q11/Q12 are meaningful. Matrices are column-major with
 * one sample per column: element (row r, column c) of a {@code rows x cols} matrix is
 * {@code m[c * rows + r]}, the layout of a numpy array of shape (rows, cols) taken column by column.
 */
public final class Activations {

    private Activations() {
    }

    /** Column-wise softmax, shifted by the column maximum so that large inputs cannot overflow. */
    public static double[] softmax(double[] a, int rows) {
        double[] y = new double[a.length];
        for (int c = 0; c < a.length / rows; c++) {
            int base = c * rows;
            double max = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < rows; r++) {
                max = Math.max(max, a[base + r]);
            }
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                y[base + r] = Math.exp(a[base + r] - max);
                sum += y[base + r];
            }
            for (int r = 0; r < rows; r++) {
                y[base + r] /= sum;
            }
        }
        return y;
    }

    /**
     * Directional derivative of softmax at {@code a} in direction {@code e}:
     * {@code g(a) * e - <g(a), e> g(a)} column by column (the notebook's {@code softmaxp}; the
     * softmax Jacobian is symmetric, so this is also its transpose applied to {@code e}).
     */
    public static double[] softmaxp(double[] a, double[] e, int rows) {
        double[] y = softmax(a, rows);
        double[] d = new double[a.length];
        for (int c = 0; c < a.length / rows; c++) {
            int base = c * rows;
            double dot = 0;
            for (int r = 0; r < rows; r++) {
                dot += y[base + r] * e[base + r];
            }
            for (int r = 0; r < rows; r++) {
                d[base + r] = y[base + r] * e[base + r] - dot * y[base + r];
            }
        }
        return d;
    }

    public static double[] relu(double[] a) {
        double[] h = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            h[i] = Math.max(a[i], 0);
        }
        return h;
    }

    /** Directional derivative of relu: {@code e} where {@code a > 0}, else 0 (as the notebook). */
    public static double[] relup(double[] a, double[] e) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] > 0 ? e[i] : 0;
        }
        return d;
    }
}
