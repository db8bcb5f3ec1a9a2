package shallownet.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationsTest {

    @Test
    void softmaxColumnsAreProbabilities() {
        // Q7: the sum of the probabilities of a column is 1.
        double[] a = FiniteDifferences.gaussian(new SplittableRandom(3), 10 * 50);
        double[] y = Activations.softmax(a, 10);
        for (int c = 0; c < 50; c++) {
            double sum = 0;
            for (int r = 0; r < 10; r++) {
                assertTrue(y[c * 10 + r] > 0 && y[c * 10 + r] < 1);
                sum += y[c * 10 + r];
            }
            assertEquals(1.0, sum, 1e-12);
        }
    }

    @Test
    void softmaxIsStableForLargeInputs() {
        double[] y = Activations.softmax(new double[] {1000, 999, -1000}, 3);
        assertEquals(1 / (1 + Math.exp(-1)), y[0], 1e-12);
        assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), y[1], 1e-12);
        assertEquals(0, y[2], 1e-300);
    }

    @Test
    void softmaxpIsTheJacobianTimesTheDirection() {
        // Q8-Q10: dg_i/da_i = g_i(1-g_i), dg_i/da_j = -g_i g_j.
        double[] a = {0.3, -1.2, 2.0, 0.1};
        double[] e = {1.0, 0.5, -0.25, 2.0};
        double[] g = Activations.softmax(a, 4);
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double jac = i == j ? g[i] * (1 - g[i]) : -g[i] * g[j];
                expected[i] += jac * e[j];
            }
        }
        assertArrayEquals(expected, Activations.softmaxp(a, e, 4), 1e-15);
    }

    @Test
    void reluAndRelup() {
        double[] a = {-2, -0.0, 0, 1e-9, 3};
        double[] e = {5, 5, 5, 5, 5};
        assertArrayEquals(new double[] {0, 0, 0, 1e-9, 3}, Activations.relu(a));
        assertArrayEquals(new double[] {0, 0, 0, 5, 5}, Activations.relup(a, e));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2019})
    void finiteDifferenceChecksPassAsInTheNotebook(long seed) {
        // Q11 and Q12: relative errors below 1e-6 (the notebook printed 5.2e-07 and 3.7e-11).
        double softmaxp = FiniteDifferences.softmaxpRelativeError(seed);
        double relup = FiniteDifferences.relupRelativeError(seed);
        assertTrue(softmaxp < 1e-6, "softmaxp relative error " + softmaxp);
        assertTrue(relup < 1e-6, "relup relative error " + relup);
        // and they are checks that can fail: a wrong derivative is far off
        assertTrue(softmaxp > 0 && relup > 0);
    }

    @Test
    void finiteDifferenceCheckCatchesAWrongDerivative() {
        double[] a = FiniteDifferences.gaussian(new SplittableRandom(5), 2000);
        double[] e = FiniteDifferences.gaussian(new SplittableRandom(6), 2000);
        double[] wrong = Activations.relup(a, e);
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] *= 1.01;
        }
        double[] shifted = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            shifted[i] = a[i] + FiniteDifferences.EPS * e[i];
        }
        double[] approx = new double[a.length];
        double[] r1 = Activations.relu(shifted);
        double[] r0 = Activations.relu(a);
        for (int i = 0; i < a.length; i++) {
            approx[i] = (r1[i] - r0[i]) / FiniteDifferences.EPS;
        }
        assertTrue(FiniteDifferences.relativeError(wrong, approx) > 1e-3);
    }

    @Test
    void stableOutputDeltaEqualsSoftmaxpOfMinusDOverY() {
        // The kernel uses y - d; the notebook backpropagates softmaxp(a2, -d/y). They are equal.
        SplittableRandom r = new SplittableRandom(11);
        int n = 200;
        double[] a = FiniteDifferences.gaussian(r, 10 * n);
        byte[] labels = new byte[n];
        for (int s = 0; s < n; s++) {
            labels[s] = (byte) r.nextInt(10);
        }
        double[] d = Labels.toOneHot(labels, 10);
        double[] y = Activations.softmax(a, 10);
        double[] minusDOverY = new double[y.length];
        double[] yMinusD = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            minusDOverY[i] = -d[i] / y[i];
            yMinusD[i] = y[i] - d[i];
        }
        assertArrayEquals(Activations.softmaxp(a, minusDOverY, 10), yMinusD, 1e-12);
    }

    @Test
    void oneHotAndBack() {
        // Q5 and Q6: label2onehot then onehot2label gives the labels back.
        byte[] labels = {7, 0, 9, 3, 3};
        double[] d = Labels.toOneHot(labels, 10);
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 0}, java.util.Arrays.copyOf(d, 10));
        int[] back = Labels.argmaxColumns(d, 10);
        assertArrayEquals(new int[] {7, 0, 9, 3, 3}, back);
    }
}
