package shallownet.net;

import java.util.SplittableRandom;

/** The notebook's {@code init_shallow}: Gaussian weights scaled by the fan-in of each layer. */
public final class WeightInit {

    private WeightInit() {
    }

    /**
     * Draws {@code b1, W1, b2, W2} in the notebook's order from a seeded generator: layer 1 is
     * scaled by {@code 1/sqrt((Ni+1)/2)}, layer 2 by {@code 1/sqrt(Nh+1)}.
     */
    public static float[] initShallow(NetworkShape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] p = new float[shape.parameterCount()];
        double scale1 = Math.sqrt((shape.inputs() + 1.0) / 2.0);
        double scale2 = Math.sqrt(shape.hidden() + 1.0);
        fill(random, p, shape.b1Offset(), shape.hidden(), scale1);
        fill(random, p, shape.w1Offset(), shape.hidden() * shape.inputs(), scale1);
        fill(random, p, shape.b2Offset(), shape.outputs(), scale2);
        fill(random, p, shape.w2Offset(), shape.outputs() * shape.hidden(), scale2);
        return p;
    }

    private static void fill(SplittableRandom random, float[] p, int offset, int count, double scale) {
        for (int i = 0; i < count; i++) {
            p[offset + i] = (float) (random.nextGaussian() / scale);
        }
    }
}
