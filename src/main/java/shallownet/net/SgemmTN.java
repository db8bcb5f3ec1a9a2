package shallownet.net;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = A^T B + C} (sgemm "T", "N", alpha 1, beta 1; column-major) below 10^6 multiply-adds,
 * every element rounded as netlib-java 3.2.0's VectorBLAS rounds it there (Java11BLAS.sgemmTN, its
 * unblocked path): one fma chain over all of k from 0, then {@code fma(1, sum, 1 * c)}, that is
 * {@code sum + c} rounded once. For the first layer's forward product of a chunk of fewer than 20
 * samples (784 -> 64), which a block holding one or two of the step's samples makes (x20 MNIST at
 * B=100: 37 blocks of about 1.4 samples per partition): the library runs 3 chains at a time for
 * one sample, 19.3 us for one sample, 170 us for 19; here the chains run 16 outputs to a vector,
 * on A transposed once ({@link #transpose}) for all of a partition's blocks: 2.6 and 46 us
 * (ProductBenchmark, JMH, load average 1.3-2.2 on 2 cores).
 *
 * <p>Lane-wise vector code: each lane does one element's scalar operations in that order, so the
 * bits are the library's whatever the vector width ({@code SgemmNTTest} compares them). Needs
 * {@code jdk.incubator.vector}, like {@link SgemmNT}.
 */
final class SgemmTN {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_MAX;
    private static final int LANES = S.length();

    private SgemmTN() {
    }

    /** Whether {@link #multiply} gives the library's bits for this shape: its unblocked path, a vector of rows. */
    static boolean replicates(int m, int n, int k) {
        return !SgemmNT.blocked(m, n, k) && m >= LANES;
    }

    /** {@code at[h + i * m] = a[offa + i + h * lda]}: A (k x m, lda) as A^T, m x k with leading dimension m. */
    static void transpose(float[] a, int offa, int lda, int k, int m, float[] at) {
        // 16 rows of A^T at a time, so that each i writes a whole cache line of 16 floats rather
        // than one float a line: W1 in 23 us instead of 92 (ProductBenchmark.transposeW1, JMH).
        int h0 = 0;
        for (; h0 + 16 <= m; h0 += 16) {
            for (int i = 0; i < k; i++) {
                int src = offa + i + h0 * lda;
                int dst = h0 + i * m;
                for (int h = 0; h < 16; h++) {
                    at[dst + h] = a[src + h * lda];
                }
            }
        }
        for (int h = h0; h < m; h++) {
            int src = offa + h * lda;
            for (int i = 0; i < k; i++) {
                at[h + i * m] = a[src + i];
            }
        }
    }

    /**
     * {@code c += A^T b} for A given transposed ({@code at}, m x k as {@link #transpose} makes it),
     * {@code b} k x n (ldb), {@code c} m x n (ldc); {@code scratch} holds at least {@link SgemmNT#LANES}
     * floats. Only where {@link #replicates} holds.
     */
    static void multiply(int m, int n, int k, float[] at, float[] b, int offb, int ldb, float[] c, int offc, int ldc,
                         float[] scratch) {
        final int lanes = LANES;
        for (int s = 0; s < n; s++) {
            int bo = offb + s * ldb;
            int co = offc + s * ldc;
            int r = 0;
            for (; r + 4 * lanes <= m; r += 4 * lanes) {
                FloatVector z = FloatVector.zero(S);
                FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
                for (int i = 0; i < k; i++) {
                    FloatVector x = FloatVector.broadcast(S, b[bo + i]);
                    int ao = r + i * m;
                    s0 = FloatVector.fromArray(S, at, ao).fma(x, s0);
                    s1 = FloatVector.fromArray(S, at, ao + lanes).fma(x, s1);
                    s2 = FloatVector.fromArray(S, at, ao + 2 * lanes).fma(x, s2);
                    s3 = FloatVector.fromArray(S, at, ao + 3 * lanes).fma(x, s3);
                }
                SgemmNT.store(s0, 0, false, c, co + r, scratch);
                SgemmNT.store(s1, 0, false, c, co + r + lanes, scratch);
                SgemmNT.store(s2, 0, false, c, co + r + 2 * lanes, scratch);
                SgemmNT.store(s3, 0, false, c, co + r + 3 * lanes, scratch);
            }
            for (; r < m; r += lanes) {
                int r0 = Math.min(r, m - lanes);
                FloatVector s0 = FloatVector.zero(S);
                for (int i = 0; i < k; i++) {
                    s0 = FloatVector.fromArray(S, at, r0 + i * m).fma(FloatVector.broadcast(S, b[bo + i]), s0);
                }
                SgemmNT.store(s0, r - r0, false, c, co + r0, scratch);
            }
        }
    }
}
