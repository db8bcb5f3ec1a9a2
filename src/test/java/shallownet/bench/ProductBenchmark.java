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
 * The first layer's weight gradient alone, one call: {@code grad(784 x 64) += X D1^T} over a chunk
 * of {@code k} samples, by VectorBLAS's sgemm ({@code library}) or by shallownet.net.SgemmNT
 * ({@code own}, the same bits), for a chunk of the library's threshold (20), a block's share of a
 * x20 step at B=4000 (54) and a full chunk (256). Run as docs/benchmark.md says.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProductBenchmark {

    private static final int M = 784;
    private static final int N = 64;

    @Param({"20", "54", "256"})
    public int k;

    @Param({"own", "library"})
    public String weightGradient;

    private BLAS blas;
    private Method own;
    private float[] x;
    private float[] delta1;
    private float[] grad;
    private float[] scratch;

    @Setup
    public void setUp() throws ReflectiveOperationException {
        SplittableRandom r = new SplittableRandom(1);
        x = new float[M * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(5) == 0 ? (float) r.nextDouble(-1, 1) : -1f;
        }
        delta1 = new float[N * k];
        for (int i = 0; i < delta1.length; i++) {
            delta1[i] = r.nextInt(3) == 0 ? 0f : (float) (r.nextGaussian() * 1e-2);
        }
        grad = new float[M * N];
        Method vb = Class.forName("dev.ludovic.netlib.blas.VectorBLAS").getMethod("getInstance");
        vb.setAccessible(true);
        blas = (BLAS) vb.invoke(null);
        Class<?> sgemm = Class.forName("shallownet.net.SgemmNT");
        own = sgemm.getDeclaredMethod("multiply", int.class, int.class, int.class, float[].class, int.class, int.class,
                float[].class, int.class, int.class, float.class, float[].class, int.class, int.class, float[].class);
        own.setAccessible(true);
        scratch = new float[64];
    }

    @Benchmark
    public float[] product() throws ReflectiveOperationException {
        if ("own".equals(weightGradient)) {
            own.invoke(null, M, N, k, x, 0, M, delta1, 0, N, 1f, grad, 0, M, scratch);
        } else {
            blas.sgemm("N", "T", M, N, k, 1f, x, 0, M, delta1, 0, N, 1f, grad, 0, M);
        }
        return grad;
    }
}
