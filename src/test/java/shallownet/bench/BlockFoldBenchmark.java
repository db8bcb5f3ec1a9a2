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

/**
 * The floor one level below the step (issue 26): one thread's forward + backward pass over
 * {@code samples} samples given as one selection of one block, against the same samples spread
 * over {@code blocks} blocks (a call of the kernel per block, as a partition of x20 MNIST makes
 * at B=4000: 37 blocks of about 54 samples, at B=100 of about 1.4), with the first layer's
 * products by SgemmNT and SgemmTN ({@code own}) or by VectorBLAS's sgemm ({@code library}); {@link ProductBenchmark} times that
 * product alone. Run as docs/benchmark.md says (JMH's own main, not part of the table).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlockFoldBenchmark {

    static final NetworkShape SHAPE = new NetworkShape(784, 64, 10);
    private static final int COUNT = 16_384;

    /** Samples of the step in the partition. */
    @Param({"2000", "50"})
    public int samples;

    /** Blocks they are spread over, each its own kernel call. */
    @Param({"2", "37"})
    public int blocks;

    @Param({"own", "library"})
    public String weightGradient;

    private NetworkKernel kernel;
    private float[] params;
    private byte[] pixels;
    private byte[] labels;
    private int[] selection;
    private int[] ends;
    private float[] gradient;

    @Setup
    public void setUp() throws ReflectiveOperationException {
        SplittableRandom r = new SplittableRandom(1);
        pixels = new byte[COUNT * SHAPE.inputs()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (r.nextInt(5) == 0 ? r.nextInt(256) : 0);
        }
        labels = new byte[COUNT];
        for (int i = 0; i < COUNT; i++) {
            labels[i] = (byte) r.nextInt(10);
        }
        selection = new int[samples];
        for (int i = 0; i < samples; i++) {
            selection[i] = r.nextInt(COUNT);
        }
        ends = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            ends[b] = (int) ((long) (b + 1) * samples / blocks);
        }
        params = WeightInit.initShallow(SHAPE, 1);
        gradient = new float[SHAPE.parameterCount()];
        java.lang.reflect.Constructor<NetworkKernel> c =
                NetworkKernel.class.getDeclaredConstructor(NetworkShape.class, boolean.class);
        c.setAccessible(true);
        kernel = c.newInstance(SHAPE, "own".equals(weightGradient));
    }

    @Benchmark
    public float[] fold() {
        // As GradientSum.addAll folds a partition: the weights held for all its blocks.
        kernel.holdWeights(params);
        int from = 0;
        for (int end : ends) {
            kernel.addGradient(params, pixels, labels, selection, from, end, gradient, null);
            from = end;
        }
        kernel.releaseWeights();
        return gradient;
    }
}
