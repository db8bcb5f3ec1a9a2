package shallownet.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.lang.reflect.Method;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The first layer's two big products alone, one call each, by VectorBLAS's sgemm
 * ({@code library}) or by shallownet.net.SgemmNT and SgemmTN ({@code own}, the same bits):
 * the weight gradient {@code grad(784 x 64) += X D1^T} over a chunk of {@code k} samples (1: the
 * library's unblocked path, 20: its threshold, 54: a block's share of a x20 step at B=4000, 256:
 * a full chunk), and the forward product {@code a1(64 x n) += W1 X} of a chunk of {@code n} samples
 * under the threshold (W1 transposed beforehand, once per partition in the fold: {@code transposeW1}).
 * Run as docs/benchmark.md says.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProductBenchmark {

    private static final int M = 784;
    private static final int N = 64;

    private static BLAS vectorBlas() throws ReflectiveOperationException {
        Method vb = Class.forName("dev.ludovic.netlib.blas.VectorBLAS").getMethod("getInstance");
        vb.setAccessible(true);
        return (BLAS) vb.invoke(null);
    }

    private static Method own(String name, Class<?>... types) throws ReflectiveOperationException {
        Method m = Class.forName("shallownet.net." + name.substring(0, name.indexOf('.')))
                .getDeclaredMethod(name.substring(name.indexOf('.') + 1), types);
        m.setAccessible(true);
        return m;
    }

    private static float[] pixelsLike(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(5) == 0 ? (float) r.nextDouble(-1, 1) : -1f;
        }
        return x;
    }

    @State(Scope.Thread)
    public static class WeightGradient {
        @Param({"1", "20", "54", "256"})
        public int k;

        @Param({"own", "library"})
        public String impl;

        BLAS blas;
        Method own;
        float[] x;
        float[] delta1;
        float[] grad;
        float[] scratch = new float[64];

        @Setup
        public void setUp() throws ReflectiveOperationException {
            SplittableRandom r = new SplittableRandom(1);
            x = pixelsLike(r, M * k);
            delta1 = new float[N * k];
            for (int i = 0; i < delta1.length; i++) {
                delta1[i] = r.nextInt(3) == 0 ? 0f : (float) (r.nextGaussian() * 1e-2);
            }
            grad = new float[M * N];
            blas = vectorBlas();
            own = own("SgemmNT.multiply", int.class, int.class, int.class, float[].class, int.class, int.class,
                    float[].class, int.class, int.class, float.class, float[].class, int.class, int.class, float[].class);
        }
    }

    @State(Scope.Thread)
    public static class Forward {
        @Param({"1", "2", "19"})
        public int n;

        @Param({"own", "library"})
        public String impl;

        BLAS blas;
        Method own;
        Method transpose;
        float[] w1;
        float[] w1Transposed;
        float[] x;
        float[] a1;
        float[] scratch = new float[64];

        @Setup
        public void setUp() throws ReflectiveOperationException {
            SplittableRandom r = new SplittableRandom(2);
            w1 = new float[M * N];
            for (int i = 0; i < w1.length; i++) {
                w1[i] = (float) (r.nextGaussian() * 0.05);
            }
            x = pixelsLike(r, M * n);
            a1 = new float[N * n];
            blas = vectorBlas();
            w1Transposed = new float[M * N];
            transpose = own("SgemmTN.transpose", float[].class, int.class, int.class, int.class, int.class,
                    float[].class);
            transpose.invoke(null, w1, 0, M, M, N, w1Transposed);
            own = own("SgemmTN.multiply", int.class, int.class, int.class, float[].class, float[].class, int.class,
                    int.class, float[].class, int.class, int.class, float[].class);
        }
    }

    @Benchmark
    public float[] weightGradient(WeightGradient s) throws ReflectiveOperationException {
        if ("own".equals(s.impl)) {
            s.own.invoke(null, M, N, s.k, s.x, 0, M, s.delta1, 0, N, 1f, s.grad, 0, M, s.scratch);
        } else {
            s.blas.sgemm("N", "T", M, N, s.k, 1f, s.x, 0, M, s.delta1, 0, N, 1f, s.grad, 0, M);
        }
        return s.grad;
    }

    /** W1 transposed for SgemmTN: once per partition's fold and step when a chunk is under 20 samples. */
    @Benchmark
    public float[] transposeW1(Forward s) throws ReflectiveOperationException {
        s.transpose.invoke(null, s.w1, 0, M, M, N, s.w1Transposed);
        return s.w1Transposed;
    }

    @Benchmark
    public float[] forward(Forward s) throws ReflectiveOperationException {
        if ("own".equals(s.impl)) {
            s.own.invoke(null, N, s.n, M, s.w1Transposed, s.x, 0, M, s.a1, 0, N, s.scratch);
        } else {
            s.blas.sgemm("T", "N", N, s.n, M, 1f, s.w1, 0, M, s.x, 0, M, 1f, s.a1, 0, N);
        }
        return s.a1;
    }
}
