package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-pass rounding of a float partial is toFixed's, entry by entry, at any binary point. */
class ExactSumTest {

    @ParameterizedTest
    @ValueSource(ints = {-60, -40, -1, 0, 17, 90, 1022, -1023, 1100})
    void addRoundedGivesToFixedsSumsToTheBit(int scale) {
        SplittableRandom random = new SplittableRandom(scale + 5000L);
        int n = 200_000;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            // Random bit patterns, small multiples of the unit, and exact ties at the unit (k + 1/2).
            int kind = i % 3;
            float v = kind == 0 ? Float.intBitsToFloat(random.nextInt())
                    : (float) Math.scalb((random.nextInt(2001) - 1000) + (kind == 2 ? 0.5 : random.nextDouble()), scale);
            g[i] = Float.isFinite(v) && Math.abs(Math.scalb((double) v, -scale)) < ExactSum.LIMIT ? v : 0f;
        }
        long[] acc = new long[n];
        long or = ExactSum.addRounded(g, acc, scale);
        long expectedOr = 0;
        for (int i = 0; i < n; i++) {
            long expected = ExactSum.toFixed(g[i], scale);
            assertEquals(expected, acc[i], "entry " + i + ": " + g[i]);
            expectedOr |= Math.abs(expected);
        }
        assertEquals(expectedOr, or);
        float[] back = new float[n];
        ExactSum.toFloats(acc, scale, back);
        for (int i = 0; i < n; i++) {
            assertEquals((float) ExactSum.fromFixed(acc[i], scale), back[i], "entry " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, 1e30f})
    void aValueThatDoesNotFitIsReportedWithItsIndex(float bad) {
        float[] g = {1f, 2f, bad, 3f};
        assertEquals(-1, ExactSum.addRounded(g, new long[4], -40));
        assertEquals(2, ExactSum.firstUnrepresentable(g, -40));
    }
}
