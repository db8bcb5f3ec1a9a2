package shallownet.bench;

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
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;

/** One thread's forward + backward pass of a minibatch through the 784-64-10 network. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBenchmark {

    static final NetworkShape SHAPE = new NetworkShape(784, 64, 10);
    private static final int SAMPLES = 10_000;

    @Param("100")
    public int batch;

    /**
     * {@code java}: the kernel training uses (VectorBLAS and its own products); {@code native}:
     * netlib's NativeBLAS, i.e. the system's libblas.so.3 (OpenBLAS where installed), all five
     * products through it.
     */
    @Param("java")
    public String blas;

    private NetworkKernel kernel;
    private float[] params;
    private byte[] pixels;
    private byte[] labels;
    private int[] selection;
    private float[] gradient;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        pixels = new byte[SAMPLES * SHAPE.inputs()];
        for (int i = 0; i < pixels.length; i++) {
            // MNIST-like: mostly background, some ink
            pixels[i] = (byte) (r.nextInt(5) == 0 ? r.nextInt(256) : 0);
        }
        labels = new byte[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        selection = new int[batch];
        for (int i = 0; i < batch; i++) {
            selection[i] = r.nextInt(SAMPLES);
        }
        params = WeightInit.initShallow(SHAPE, 1);
        gradient = new float[SHAPE.parameterCount()];
        kernel = "native".equals(blas)
                ? NetworkKernel.withBlas(SHAPE, dev.ludovic.netlib.blas.NativeBLAS.getInstance())
                : new NetworkKernel(SHAPE);
    }

    @Benchmark
    public float[] forwardBackward() {
        kernel.addGradient(params, pixels, labels, selection, 0, batch, gradient, null);
        return gradient;
    }

    /** Floating-point operations of one forward + backward pass of {@code b} samples (the five products). */
    static double flops(int b) {
        int ni = SHAPE.inputs();
        int nh = SHAPE.hidden();
        int no = SHAPE.outputs();
        return 2.0 * b * (2.0 * nh * ni + 3.0 * no * nh);
    }
}
