package shallownet.net;

import java.util.SplittableRandom;

/**
 * The notebook's checks of {@code softmaxp} (Q11) and {@code relup} (Q12): the analytic
 * directional derivative against the forward difference {@code (f(a + eps e) - f(a)) / eps} at
 * random {@code a} and {@code e} of shape 10 x 200, as the relative error
 * {@code mean|diff - approx| / mean|approx|}.
 */
public final class FiniteDifferences {

    public static final double EPS = 1e-6;
    public static final int ROWS = 10;
    public static final int COLS = 200;

    private FiniteDifferences() {
    }

    public static double softmaxpRelativeError(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = gaussian(r, ROWS * COLS);
        double[] e = gaussian(r, ROWS * COLS);
        double[] diff = Activations.softmaxp(a, e, ROWS);
        double[] approx = forwardDifference(Activations.softmax(axpy(a, EPS, e), ROWS), Activations.softmax(a, ROWS));
        return relativeError(diff, approx);
    }

    public static double relupRelativeError(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = gaussian(r, ROWS * COLS);
        double[] e = gaussian(r, ROWS * COLS);
        double[] diff = Activations.relup(a, e);
        double[] approx = forwardDifference(Activations.relu(axpy(a, EPS, e)), Activations.relu(a));
        return relativeError(diff, approx);
    }

    static double[] gaussian(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static double[] axpy(double[] a, double eps, double[] e) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + eps * e[i];
        }
        return out;
    }

    private static double[] forwardDifference(double[] shifted, double[] base) {
        double[] out = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            out[i] = (shifted[i] - base[i]) / EPS;
        }
        return out;
    }

    public static double relativeError(double[] diff, double[] approx) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < diff.length; i++) {
            num += Math.abs(diff[i] - approx[i]);
            den += Math.abs(approx[i]);
        }
        return num / den;
    }
}
