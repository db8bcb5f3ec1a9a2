package shallownet.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ludovic.netlib.blas.BLAS;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SgemmNT} and {@link SgemmTN} against the VectorBLAS calls they replace, bit for bit. */
class SgemmNTTest {

    private static BLAS vectorBlas;

    @BeforeAll
    static void vectorBlasIsInUse() throws ReflectiveOperationException {
        // The build runs its tests with jdk.incubator.vector (spark.module.options) and netlib 3.2.0:
        // if this fails, the comparisons below would compare nothing.
        assertEquals("VectorBLAS", NetworkKernel.blasImplementation());
        assertEquals("3.2.0", NetworkKernel.netlibBlasVersion());
        assertTrue(NetworkKernel.ownProductsInUse());
        java.lang.reflect.Method m = Class.forName("dev.ludovic.netlib.blas.VectorBLAS").getMethod("getInstance");
        m.setAccessible(true);
        vectorBlas = (BLAS) m.invoke(null);
    }

    /**
     * One product both ways from the same inputs: {@code b} like the kernel's delta1 (a third of
     * it zero, as ReLU makes it), {@code a} like its scaled pixels (mostly -1), {@code c} a gradient
     * already under way; a and c at an offset with a leading dimension larger than the rows.
     */
    private static void compare(SplittableRandom r, int m, int n, int k, float beta) {
        int lda = m + 3;
        int ldc = m + 5;
        int offa = 7;
        int offb = 2;
        int offc = 11;
        float[] a = new float[offa + lda * k];
        float[] b = new float[offb + n * k];
        float[] c = new float[offc + ldc * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(4) == 0 ? (float) r.nextDouble(-1, 1) : -1f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextInt(3) == 0 ? 0f : (float) (r.nextGaussian() * 1e-2);
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) r.nextGaussian();
        }
        float[] expected = c.clone();
        float[] actual = c.clone();
        vectorBlas.sgemm("N", "T", m, n, k, 1f, a, offa, lda, b, offb, n, beta, expected, offc, ldc);
        SgemmNT.multiply(m, n, k, a, offa, lda, b, offb, n, beta, actual, offc, ldc, new float[SgemmNT.LANES]);
        for (int i = 0; i < c.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                int e = i - offc;
                fail(String.format("m=%d n=%d k=%d beta=%s: C(%d, %d) is %s, VectorBLAS gives %s", m, n, k, beta,
                        e % ldc, e / ldc, actual[i], expected[i]));
            }
        }
    }

    @Test
    void theFirstLayersWeightGradientForEveryChunkSize() {
        // 784 x 64 += X D1^T over a chunk of k samples: the library's blocked path from k = 20 on.
        assertFalse(SgemmNT.blocked(784, 64, 19));
        assertTrue(SgemmNT.blocked(784, 64, 20));
        SplittableRandom r = new SplittableRandom(26);
        for (int round = 0; round < 2; round++) {
            // The second round compares the JIT-compiled code of both sides, the first mostly not.
            for (int k = 20; k <= NetworkKernel.CHUNK; k++) {
                assertTrue(SgemmNT.replicates(784, 64, k));
                compare(r, 784, 64, k, 1f);
            }
        }
        for (int k : new int[] {20, 21, 47, 48, 49, 100, 255, 256}) {
            compare(r, 784, 64, k, 0f);
        }
    }

    @Test
    void otherShapesEdgesAndSeveralBlocksOfK() {
        SplittableRandom r = new SplittableRandom(27);
        // m % 3 and n % 3 of 0, 1 and 2 (the library's 3 x 3 tiles and its edges); k across 500
        // (two blocks of k, the second starting its lanes afresh) and not a multiple of the lanes.
        int[][] shapes = {{784, 64, 37}, {785, 65, 29}, {786, 66, 100}, {100, 100, 100}, {300, 50, 499},
                {300, 50, 500}, {300, 50, 501}, {64, 20, 1000}, {48, 16, 1303}, {19, 17, 4000}, {1000, 1000, 1}};
        for (int[] s : shapes) {
            assertTrue(SgemmNT.replicates(s[0], s[1], s[2]), () -> java.util.Arrays.toString(s));
            compare(r, s[0], s[1], s[2], 1f);
            compare(r, s[0], s[1], s[2], 0f);
        }
    }

    @Test
    void chunksUnderTheThresholdOnTheLibrarysUnblockedPath() {
        // Fewer than 20 samples: Java11BLAS.sgemmNT's fma chains, vectorised here.
        SplittableRandom r = new SplittableRandom(28);
        for (int round = 0; round < 2; round++) {
            for (int k = 1; k < 20; k++) {
                assertFalse(SgemmNT.blocked(784, 64, k));
                assertTrue(SgemmNT.replicates(784, 64, k));
                compare(r, 784, 64, k, 1f);
                compare(r, 784, 64, k, 0f);
            }
        }
        for (int[] s : new int[][] {{785, 65, 3}, {17, 3, 5}, {16, 1, 1}, {100, 99, 100}, {31, 7, 200}}) {
            assertFalse(SgemmNT.blocked(s[0], s[1], s[2]));
            compare(r, s[0], s[1], s[2], 1f);
            compare(r, s[0], s[1], s[2], 0f);
        }
    }

    /** {@link SgemmTN} (C += A^T B, A given transposed) against the library's "T", "N" product. */
    private static void compareTN(SplittableRandom r, int m, int n, int k) {
        int lda = k + 3;
        int offa = 5;
        int ldb = k + 1;
        int offb = 3;
        int ldc = m + 2;
        int offc = 1;
        float[] a = new float[offa + lda * m];
        float[] b = new float[offb + ldb * n];
        float[] c = new float[offc + ldc * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * 0.05);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextInt(4) == 0 ? (float) r.nextDouble(-1, 1) : -1f;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (r.nextGaussian() * 0.1);
        }
        float[] expected = c.clone();
        float[] actual = c.clone();
        vectorBlas.sgemm("T", "N", m, n, k, 1f, a, offa, lda, b, offb, ldb, 1f, expected, offc, ldc);
        float[] at = new float[m * k];
        SgemmTN.transpose(a, offa, lda, k, m, at);
        SgemmTN.multiply(m, n, k, at, b, offb, ldb, actual, offc, ldc, new float[SgemmNT.LANES]);
        for (int i = 0; i < c.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                int e = i - offc;
                fail(String.format("TN m=%d n=%d k=%d: C(%d, %d) is %s, VectorBLAS gives %s", m, n, k, e % ldc,
                        e / ldc, actual[i], expected[i]));
            }
        }
    }

    @Test
    void theFirstLayersForwardProductOfSmallChunks() {
        // 64 x n = W1 X + b1 for chunks of 1 to 19 samples (784 inputs): the library's unblocked path.
        SplittableRandom r = new SplittableRandom(29);
        for (int round = 0; round < 2; round++) {
            for (int n = 1; n < 20; n++) {
                assertTrue(SgemmTN.replicates(64, n, 784));
                compareTN(r, 64, n, 784);
            }
        }
        assertFalse(SgemmTN.replicates(64, 20, 784), "20 samples: the blocked path, left to the library");
        for (int[] s : new int[][] {{16, 3, 5}, {17, 2, 100}, {70, 5, 784}, {100, 1, 9999}, {33, 19, 10}}) {
            assertTrue(SgemmTN.replicates(s[0], s[1], s[2]));
            compareTN(r, s[0], s[1], s[2]);
        }
    }

    @Test
    void shapesItDoesNotReplicateAreLeftToTheLibrary() {
        assertFalse(SgemmNT.replicates(SgemmNT.LANES - 1, 100, 99), "unblocked, fewer rows than lanes");
        assertFalse(SgemmNT.replicates(4000, 10, 100), "blocked, fewer columns than lanes");
        assertFalse(SgemmTN.replicates(SgemmNT.LANES - 1, 2, 100), "fewer rows than lanes");
        assertFalse(SgemmNT.replicates(SgemmNT.LANES + 1, 100_000, 10), "fewer tiled rows than lanes");
    }
}
