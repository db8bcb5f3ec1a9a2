package shallownet.net;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = A B^T + beta C} (sgemm "N", "T", alpha 1, beta 0 or 1; column-major), every element
 * rounded exactly as netlib-java 3.2.0's VectorBLAS rounds it, on its blocked path (the one it
 * takes when {@code m n k >= 10^6}) without that path's fixed cost per call, and on its unblocked
 * path (fewer multiply-adds: chunks of fewer than 20 samples) in vector code rather than scalar.
 *
 * <p>Why: the first layer's weight gradient (784 x 64 += X D1^T over a chunk) is one such call
 * per chunk, and a chunk never spans two cached blocks, so a data set whose partitions hold many
 * blocks makes many small calls (x20 MNIST: 37 blocks of about 54 of the step's samples per
 * partition at B=4000). VectorBLAS packs A, B and C into fresh arrays on each call and finishes
 * every element of C with a 16-lane reduction, whatever k: 475 us a call at k=20, 573 us at k=54
 * (10.6 us a sample), 1037 us at k=256 (4.0 us). This class gives the same bits in 71, 102 (1.9 us
 * a sample) and 514 us (2.0 us): {@code ProductBenchmark}, JMH, 2026-12-03, load average 1.3-2.2
 * on 2 cores; docs/benchmark.md.
 *
 * <p>The order of operations it reproduces, per element {@code (r, h)} of C and per block of
 * {@code kc = ceil(min(500, k) / 4) * 4} of the k index (Java8BLAS.sgemmK; a block's sum is added
 * to C before the next block's is formed):
 * <ul>
 *   <li>rows below {@code m - m % 3} and columns below {@code n - n % 3} (the library's 3 x 3 tiles,
 *       VectorBLAS.sgepdotTN): with {@code L = FloatVector.SPECIES_MAX.length()} and
 *       {@code kv = kb - kb % L}, lane {@code j} sums {@code a*b} over {@code i = j, j+L, ... < kv} as a
 *       chain of fused multiply-adds from 0; the lanes are added in order to 0
 *       ({@code reduceLanes(ADD)}), that to 0, then {@code i = kv .. kb-1} by fma, then
 *       {@code c = fma(1, sum, c)}, that is {@code sum + c} rounded once;
 *   <li>the other elements (Java11BLAS.sgebpTN's edges): one fma chain over the block from 0, then
 *       {@code sum + c}.
 * </ul>
 * Below 10^6 multiply-adds every element is one fma chain over all of k (Java11BLAS.sgemmNT), see
 * {@link #unblocked}.
 * Every operation here is lane-wise (a vector of rows, or of columns, each lane doing one element's
 * scalar operations in that order), so the vector width used here does not change any bit; only
 * {@code L} must be the library's, which it is (the same species). {@code SgemmNTTest} compares
 * this class with VectorBLAS bit for bit over the shapes used.
 *
 * <p>Loading this class needs {@code jdk.incubator.vector}, as VectorBLAS does;
 * {@link NetworkKernel} uses it only when VectorBLAS 3.2.0 is the BLAS in use.
 */
final class SgemmNT {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_MAX;

    /** VectorBLAS's lane count (its FMAX is FloatVector.SPECIES_MAX). */
    static final int LANES = S.length();

    private SgemmNT() {
    }

    /**
     * Whether this class gives VectorBLAS's bits for this shape: the blocked path (the library
     * tests {@code m * n * k < 1000000} in int), at least one vector of tiled rows and of columns.
     */
    static boolean replicates(int m, int n, int k) {
        if (blocked(m, n, k)) {
            return m - m % 3 >= LANES && n >= LANES;
        }
        return m >= LANES;
    }

    /** Whether the library takes its blocked path (Java8BLAS.sgemmK tests {@code m * n * k < 1000000} in int). */
    static boolean blocked(int m, int n, int k) {
        return m * n * k >= 1_000_000;
    }

    /**
     * {@code c = a b^T + beta c} for {@code a} m x k (lda), {@code b} n x k (ldb), {@code c} m x n (ldc),
     * {@code beta} 0 or 1; {@code scratch} holds at least {@link #LANES} floats. Only for shapes
     * where {@link #replicates} holds.
     */
    static void multiply(int m, int n, int k, float[] a, int offa, int lda, float[] b, int offb, int ldb,
                         float beta, float[] c, int offc, int ldc, float[] scratch) {
        if (beta != 1f && beta != 0f) {
            throw new IllegalArgumentException("beta " + beta + ": only 0 and 1");
        }
        if (!blocked(m, n, k)) {
            unblocked(m, n, k, a, offa, lda, b, offb, ldb, beta == 0f, c, offc, ldc, scratch);
            return;
        }
        if (beta == 0f) {
            // The library's sgemmBeta: C set to 0 before the products are added.
            for (int h = 0; h < n; h++) {
                java.util.Arrays.fill(c, offc + h * ldc, offc + h * ldc + m, 0f);
            }
        }
        final int lanes = LANES;
        int kc = (Math.min(500, k) + 3) / 4 * 4;
        int mT = m - m % 3;
        int nT = n - n % 3;
        for (int k0 = 0; k0 < k; k0 += kc) {
            int kb = Math.min(kc, k - k0);
            int kv = kb - kb % lanes;
            int h = 0;
            for (; h + 4 <= nT; h += 4) {
                int r = 0;
                for (; r + 2 * lanes <= mT; r += 2 * lanes) {
                    tile2x4(r, h, k0, kv, kb, a, offa, lda, b, offb, ldb, c, offc, ldc);
                }
                for (; r < mT; r += lanes) {
                    // The last vector overlaps the previous one when mT is not a multiple of L.
                    tile1x4(Math.min(r, mT - lanes), r, h, k0, kv, kb, a, offa, lda, b, offb, ldb, c, offc, ldc,
                            scratch);
                }
            }
            for (; h < nT; h++) {
                for (int r = 0; r < mT; r += lanes) {
                    tile1x1(Math.min(r, mT - lanes), r, h, k0, kv, kb, a, offa, lda, b, offb, ldb, c, offc, ldc,
                            scratch);
                }
            }
            for (int hh = nT; hh < n; hh++) {
                for (int r = 0; r < mT; r += lanes) {
                    edgeColumn(Math.min(r, mT - lanes), r, hh, k0, kb, a, offa, lda, b, offb, ldb, c, offc, ldc,
                            scratch);
                }
            }
            for (int rr = mT; rr < m; rr++) {
                for (int hh = 0; hh < n; hh += lanes) {
                    edgeRow(rr, Math.min(hh, n - lanes), hh, k0, kb, a, offa, lda, b, offb, ldb, c, offc, ldc,
                            scratch);
                }
            }
        }
    }

    /**
     * The library's unblocked path (Java11BLAS.sgemmNT, below 10^6 multiply-adds, so for chunks of
     * fewer than 20 samples): per element one fma chain over all of k from 0, then
     * {@code fma(1, sum, 1 * c)}, that is {@code sum + c} rounded once, or {@code 1 * sum} when beta
     * is 0 (C not read). 37 us a call at k=1 in the library (its 3 x 3 tiles load and store all of
     * C for one multiply-add each), 5.7 us here (ProductBenchmark).
     */
    private static void unblocked(int m, int n, int k, float[] a, int offa, int lda, float[] b, int offb, int ldb,
                                  boolean overwrite, float[] c, int offc, int ldc, float[] scratch) {
        final int lanes = LANES;
        int h = 0;
        for (; h + 4 <= n; h += 4) {
            for (int r = 0; r < m; r += lanes) {
                int r0 = Math.min(r, m - lanes);
                FloatVector z = FloatVector.zero(S);
                FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
                for (int s = 0; s < k; s++) {
                    FloatVector x0 = FloatVector.fromArray(S, a, offa + r0 + s * lda);
                    int bo = offb + h + s * ldb;
                    s0 = x0.fma(FloatVector.broadcast(S, b[bo]), s0);
                    s1 = x0.fma(FloatVector.broadcast(S, b[bo + 1]), s1);
                    s2 = x0.fma(FloatVector.broadcast(S, b[bo + 2]), s2);
                    s3 = x0.fma(FloatVector.broadcast(S, b[bo + 3]), s3);
                }
                int co = offc + r0 + h * ldc;
                store(s0, r - r0, overwrite, c, co, scratch);
                store(s1, r - r0, overwrite, c, co + ldc, scratch);
                store(s2, r - r0, overwrite, c, co + 2 * ldc, scratch);
                store(s3, r - r0, overwrite, c, co + 3 * ldc, scratch);
            }
        }
        for (; h < n; h++) {
            for (int r = 0; r < m; r += lanes) {
                int r0 = Math.min(r, m - lanes);
                FloatVector s0 = FloatVector.zero(S);
                for (int s = 0; s < k; s++) {
                    s0 = FloatVector.fromArray(S, a, offa + r0 + s * lda).fma(FloatVector.broadcast(S, b[offb + h + s * ldb]), s0);
                }
                store(s0, r - r0, overwrite, c, offc + r0 + h * ldc, scratch);
            }
        }
    }

    /** Lanes {@code first..L-1} of {@code sum} into the L elements of C at {@code co}: {@code sum} or {@code sum + c}. */
    static void store(FloatVector sum, int first, boolean overwrite, float[] c, int co, float[] scratch) {
        if (first == 0) {
            (overwrite ? sum : sum.add(FloatVector.fromArray(S, c, co))).intoArray(c, co);
            return;
        }
        sum.intoArray(scratch, 0);
        for (int l = first; l < LANES; l++) {
            c[co + l] = overwrite ? scratch[l] : scratch[l] + c[co + l];
        }
    }

    /** Tiled rows {@code [r, r + 2L)} of columns {@code [h, h + 4)}: 8 vectors of sums in registers. */
    private static void tile2x4(int r, int h, int k0, int kv, int kb, float[] a, int offa, int lda,
                                float[] b, int offb, int ldb, float[] c, int offc, int ldc) {
        final int lanes = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        int ar = offa + r;
        int bh = offb + h;
        if (kv > 0) {
            for (int j = 0; j < lanes; j++) {
                FloatVector p00 = z, p01 = z, p02 = z, p03 = z, p10 = z, p11 = z, p12 = z, p13 = z;
                for (int s = k0 + j; s < k0 + kv; s += lanes) {
                    int ao = ar + s * lda;
                    FloatVector x0 = FloatVector.fromArray(S, a, ao);
                    FloatVector x1 = FloatVector.fromArray(S, a, ao + lanes);
                    int bo = bh + s * ldb;
                    FloatVector d0 = FloatVector.broadcast(S, b[bo]);
                    FloatVector d1 = FloatVector.broadcast(S, b[bo + 1]);
                    FloatVector d2 = FloatVector.broadcast(S, b[bo + 2]);
                    FloatVector d3 = FloatVector.broadcast(S, b[bo + 3]);
                    p00 = x0.fma(d0, p00);
                    p10 = x1.fma(d0, p10);
                    p01 = x0.fma(d1, p01);
                    p11 = x1.fma(d1, p11);
                    p02 = x0.fma(d2, p02);
                    p12 = x1.fma(d2, p12);
                    p03 = x0.fma(d3, p03);
                    p13 = x1.fma(d3, p13);
                }
                s00 = s00.add(p00);
                s01 = s01.add(p01);
                s02 = s02.add(p02);
                s03 = s03.add(p03);
                s10 = s10.add(p10);
                s11 = s11.add(p11);
                s12 = s12.add(p12);
                s13 = s13.add(p13);
            }
        }
        s00 = z.add(s00);
        s01 = z.add(s01);
        s02 = z.add(s02);
        s03 = z.add(s03);
        s10 = z.add(s10);
        s11 = z.add(s11);
        s12 = z.add(s12);
        s13 = z.add(s13);
        for (int s = k0 + kv; s < k0 + kb; s++) {
            int ao = ar + s * lda;
            FloatVector x0 = FloatVector.fromArray(S, a, ao);
            FloatVector x1 = FloatVector.fromArray(S, a, ao + lanes);
            int bo = bh + s * ldb;
            FloatVector d0 = FloatVector.broadcast(S, b[bo]);
            FloatVector d1 = FloatVector.broadcast(S, b[bo + 1]);
            FloatVector d2 = FloatVector.broadcast(S, b[bo + 2]);
            FloatVector d3 = FloatVector.broadcast(S, b[bo + 3]);
            s00 = x0.fma(d0, s00);
            s10 = x1.fma(d0, s10);
            s01 = x0.fma(d1, s01);
            s11 = x1.fma(d1, s11);
            s02 = x0.fma(d2, s02);
            s12 = x1.fma(d2, s12);
            s03 = x0.fma(d3, s03);
            s13 = x1.fma(d3, s13);
        }
        int co = offc + r + h * ldc;
        addTo(s00, c, co);
        addTo(s10, c, co + lanes);
        addTo(s01, c, co + ldc);
        addTo(s11, c, co + ldc + lanes);
        addTo(s02, c, co + 2 * ldc);
        addTo(s12, c, co + 2 * ldc + lanes);
        addTo(s03, c, co + 3 * ldc);
        addTo(s13, c, co + 3 * ldc + lanes);
    }

    /** Tiled rows {@code [r0, r0 + L)} of columns {@code [h, h + 4)}, stored from row {@code from} on. */
    private static void tile1x4(int r0, int from, int h, int k0, int kv, int kb, float[] a, int offa, int lda,
                                float[] b, int offb, int ldb, float[] c, int offc, int ldc, float[] scratch) {
        final int lanes = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
        int ar = offa + r0;
        int bh = offb + h;
        if (kv > 0) {
            for (int j = 0; j < lanes; j++) {
                FloatVector p0 = z, p1 = z, p2 = z, p3 = z;
                for (int s = k0 + j; s < k0 + kv; s += lanes) {
                    FloatVector x0 = FloatVector.fromArray(S, a, ar + s * lda);
                    int bo = bh + s * ldb;
                    p0 = x0.fma(FloatVector.broadcast(S, b[bo]), p0);
                    p1 = x0.fma(FloatVector.broadcast(S, b[bo + 1]), p1);
                    p2 = x0.fma(FloatVector.broadcast(S, b[bo + 2]), p2);
                    p3 = x0.fma(FloatVector.broadcast(S, b[bo + 3]), p3);
                }
                s0 = s0.add(p0);
                s1 = s1.add(p1);
                s2 = s2.add(p2);
                s3 = s3.add(p3);
            }
        }
        s0 = z.add(s0);
        s1 = z.add(s1);
        s2 = z.add(s2);
        s3 = z.add(s3);
        for (int s = k0 + kv; s < k0 + kb; s++) {
            FloatVector x0 = FloatVector.fromArray(S, a, ar + s * lda);
            int bo = bh + s * ldb;
            s0 = x0.fma(FloatVector.broadcast(S, b[bo]), s0);
            s1 = x0.fma(FloatVector.broadcast(S, b[bo + 1]), s1);
            s2 = x0.fma(FloatVector.broadcast(S, b[bo + 2]), s2);
            s3 = x0.fma(FloatVector.broadcast(S, b[bo + 3]), s3);
        }
        int co = offc + r0 + h * ldc;
        if (from == r0) {
            addTo(s0, c, co);
            addTo(s1, c, co + ldc);
            addTo(s2, c, co + 2 * ldc);
            addTo(s3, c, co + 3 * ldc);
        } else {
            addFrom(s0, from - r0, c, co, 1, scratch);
            addFrom(s1, from - r0, c, co + ldc, 1, scratch);
            addFrom(s2, from - r0, c, co + 2 * ldc, 1, scratch);
            addFrom(s3, from - r0, c, co + 3 * ldc, 1, scratch);
        }
    }

    /** Tiled rows {@code [r0, r0 + L)} of column {@code h}, stored from row {@code from} on. */
    private static void tile1x1(int r0, int from, int h, int k0, int kv, int kb, float[] a, int offa, int lda,
                                float[] b, int offb, int ldb, float[] c, int offc, int ldc, float[] scratch) {
        final int lanes = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector s0 = z;
        int ar = offa + r0;
        int bh = offb + h;
        if (kv > 0) {
            for (int j = 0; j < lanes; j++) {
                FloatVector p0 = z;
                for (int s = k0 + j; s < k0 + kv; s += lanes) {
                    p0 = FloatVector.fromArray(S, a, ar + s * lda).fma(FloatVector.broadcast(S, b[bh + s * ldb]), p0);
                }
                s0 = s0.add(p0);
            }
        }
        s0 = z.add(s0);
        for (int s = k0 + kv; s < k0 + kb; s++) {
            s0 = FloatVector.fromArray(S, a, ar + s * lda).fma(FloatVector.broadcast(S, b[bh + s * ldb]), s0);
        }
        addFrom(s0, from - r0, c, offc + r0 + h * ldc, 1, scratch);
    }

    /** Rows {@code [r0, r0 + L)} of column {@code h} on the library's edge path, stored from row {@code from}. */
    private static void edgeColumn(int r0, int from, int h, int k0, int kb, float[] a, int offa, int lda,
                                   float[] b, int offb, int ldb, float[] c, int offc, int ldc, float[] scratch) {
        FloatVector s0 = FloatVector.zero(S);
        for (int s = k0; s < k0 + kb; s++) {
            s0 = FloatVector.fromArray(S, a, offa + r0 + s * lda).fma(FloatVector.broadcast(S, b[offb + h + s * ldb]), s0);
        }
        addFrom(s0, from - r0, c, offc + r0 + h * ldc, 1, scratch);
    }

    /** Columns {@code [h0, h0 + L)} of row {@code r} on the library's edge path, stored from column {@code from}. */
    private static void edgeRow(int r, int h0, int from, int k0, int kb, float[] a, int offa, int lda,
                                float[] b, int offb, int ldb, float[] c, int offc, int ldc, float[] scratch) {
        FloatVector s0 = FloatVector.zero(S);
        for (int s = k0; s < k0 + kb; s++) {
            s0 = FloatVector.broadcast(S, a[offa + r + s * lda]).fma(FloatVector.fromArray(S, b, offb + h0 + s * ldb), s0);
        }
        addFrom(s0, from - h0, c, offc + r + h0 * ldc, ldc, scratch);
    }

    /** {@code c[co + l] = sum[l] + c[co + l]} for the L consecutive elements at {@code co}. */
    private static void addTo(FloatVector sum, float[] c, int co) {
        sum.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
    }

    /** {@code c = sum + c} for lanes {@code first..L-1}, the lane l's element at {@code co + l * stride}. */
    private static void addFrom(FloatVector sum, int first, float[] c, int co, int stride, float[] scratch) {
        sum.intoArray(scratch, 0);
        for (int l = first; l < LANES; l++) {
            int i = co + l * stride;
            c[i] = scratch[l] + c[i];
        }
    }
}
