package shallownet.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightInitTest {

    private static double std(float[] p, int off, int n) {
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            s += p[off + i];
            s2 += (double) p[off + i] * p[off + i];
        }
        double mean = s / n;
        return Math.sqrt(s2 / n - mean * mean);
    }

    @Test
    void scalesLikeInitShallow() {
        NetworkShape shape = new NetworkShape(784, 64, 10);
        float[] p = WeightInit.initShallow(shape, 1);
        // W1 ~ N(0, 1) / sqrt((Ni + 1) / 2); W2 ~ N(0, 1) / sqrt(Nh + 1)
        assertEquals(1 / Math.sqrt(785 / 2.0), std(p, shape.w1Offset(), 64 * 784), 0.002);
        assertEquals(1 / Math.sqrt(65.0), std(p, shape.w2Offset(), 640), 0.01);
    }

    @Test
    void seededAndReproducible() {
        NetworkShape shape = new NetworkShape(30, 8, 10);
        assertArrayEquals(WeightInit.initShallow(shape, 9), WeightInit.initShallow(shape, 9));
        assertFalse(Arrays.equals(WeightInit.initShallow(shape, 9), WeightInit.initShallow(shape, 10)));
    }
}
