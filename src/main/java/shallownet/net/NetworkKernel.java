package shallownet.net;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;

/**
 * Forward and backward propagation of the shallow network over a set of samples, in float32,
 * one chunk of samples at a time as matrix products (sgemm). The samples are raw {@code uint8}
 * pixels, scaled to [-1, 1] here as the notebook's {@code -1 + 2x/255} (the MNIST path), or
 * real-valued features used as they are (the Spark ML path); only loading the inputs differs.
 *
 * <p>Matrices are column-major with one sample per column. The parameter vector is in the layout
 * of {@link NetworkShape}: a row-major {@code W} is, read column-major, {@code W^T}, which is why
 * the products below use transposes where the notebook does not.
 *
 * <p>An instance owns its work buffers and is not thread-safe: use {@link #forThread}.
 */
public final class NetworkKernel {

    /** Samples per sgemm; large enough to amortise the calls, small enough to stay in cache. */
    public static final int CHUNK = 256;

    /** The notebook's scaling {@code -1 + (2 * x / 255)} in float32, for every byte value. */
    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            SCALE[v] = -1f + (2f * v) / 255f;
        }
    }

    /** The JVM-wide choice of BLAS: java (the default) or native (see {@link #blasFor}). */
    public static final String BLAS_PROPERTY = "shallownet.blas";

    /** The BLAS of every kernel in this JVM, from -Dshallownet.blas (java unless asked). */
    private static final BLAS BLAS_IMPL = blasFor(System.getProperty(BLAS_PROPERTY, "java"));

    /**
     * Whether the first layer's two big products go through {@link SgemmNT} (the weight gradient)
     * and {@link SgemmTN} (the forward product of chunks under 20 samples): VectorBLAS's bits
     * without its fixed cost per call of about 0.45 ms (blocked path) or its scalar loops (unblocked
     * path), see there. Only when the BLAS in use is VectorBLAS of netlib-java 3.2.0, the version
     * whose order of operations they reproduce; any other BLAS or version gets the sgemm calls as
     * before, and so its own bits.
     */
    private static final boolean OWN_PRODUCTS = ownProducts();

    private static final ThreadLocal<NetworkKernel> PER_THREAD = new ThreadLocal<>();

    private final NetworkShape shape;
    private final int ni;
    private final int nh;
    private final int no;
    private final float[] x;
    private final float[] a1;
    private final float[] h1;
    private final float[] a2;
    private final float[] delta1;
    private final int[] predicted = new int[CHUNK];
    /** Whether this instance uses SgemmNT and SgemmTN (false: the BLAS calls, for comparison in tests). */
    private final boolean ownProducts;
    /** The BLAS this instance calls: {@link #BLAS_IMPL}, unless made by {@link #withBlas}. */
    private final BLAS blas;
    private final float[] productScratch;
    /** The parameters {@link #holdWeights} promised unchanged (null: none), and W1 transposed once from them. */
    private float[] heldParams;
    private float[] w1Transposed;
    private boolean w1TransposedValid;

    public NetworkKernel(NetworkShape shape) {
        this(shape, OWN_PRODUCTS);
    }

    /** A kernel with SgemmNT and SgemmTN (true, only where {@link #ownProductsInUse}), or with the BLAS calls. */
    NetworkKernel(NetworkShape shape, boolean ownProducts) {
        this(shape, ownProducts, BLAS_IMPL);
    }

    private NetworkKernel(NetworkShape shape, boolean ownProducts, BLAS blas) {
        if (ownProducts && !OWN_PRODUCTS) {
            throw new IllegalStateException("SgemmNT and SgemmTN are not in use with " + blasImplementation());
        }
        this.ownProducts = ownProducts;
        this.blas = blas;
        this.productScratch = new float[ownProducts ? SgemmNT.LANES : 0];
        this.shape = shape;
        this.ni = shape.inputs();
        this.nh = shape.hidden();
        this.no = shape.outputs();
        this.x = new float[ni * CHUNK];
        this.a1 = new float[nh * CHUNK];
        this.h1 = new float[nh * CHUNK];
        this.a2 = new float[no * CHUNK];
        this.delta1 = new float[nh * CHUNK];
    }

    /**
     * A kernel calling {@code blas} for all five products (netlib's NativeBLAS, say): for the
     * benchmark that measures another BLAS against this one. Its bits are that library's, so
     * training never uses it.
     */
    public static NetworkKernel withBlas(NetworkShape shape, BLAS blas) {
        return new NetworkKernel(shape, false, blas);
    }

    /** The calling thread's kernel for this shape, reused across calls (no allocation per step). */
    public static NetworkKernel forThread(NetworkShape shape) {
        NetworkKernel k = PER_THREAD.get();
        if (k == null || !k.shape.equals(shape)) {
            k = new NetworkKernel(shape);
            PER_THREAD.set(k);
        }
        return k;
    }

    /**
     * Promises that {@code p} stays unchanged until {@link #releaseWeights}: for the calls of one
     * partition's fold, one per block. The forward product of a chunk of fewer than 20 samples
     * (blocks holding one or two of the step's samples) then runs on W1 transposed once for all of
     * them ({@link SgemmTN}, the library's bits): 2.6 us for one sample instead of 19.3.
     */
    public void holdWeights(float[] p) {
        heldParams = p;
        w1TransposedValid = false;
    }

    /** Ends {@link #holdWeights}. */
    public void releaseWeights() {
        heldParams = null;
        w1TransposedValid = false;
    }

    public static float scalePixel(byte pixel) {
        return SCALE[pixel & 0xff];
    }

    /**
     * VectorBLAS, asked for directly: {@code JavaBLAS.getInstance()} first probes for a native
     * libblas and prints a dlopen failure on every machine without one, although native code is
     * never used here. Falls back to that route (F2J loops) without the incubator module.
     * The module is worth its JVM notice (which submit.sh keeps off the user's stderr): JMH's
     * KernelBenchmark (B=100 forward + backward, one thread) took 0.968 +- 0.026 ms with VectorBLAS
     * and 4.919 +- 0.760 ms with F2J loops (5.1 x), 2026-12-03, load average 5.2 on 2 cores.
     * "native" is netlib's NativeBLAS instead (below); anything else is refused.
     */
    static BLAS blasFor(String choice) {
        if (choice.equals("native")) {
            return nativeBlas();
        } else if (!choice.equals("java")) {
            throw new IllegalArgumentException("-D" + BLAS_PROPERTY + "=" + choice + ": expected java or native");
        }
        try {
            java.lang.reflect.Method m = Class.forName("dev.ludovic.netlib.blas.VectorBLAS").getMethod("getInstance");
            m.setAccessible(true);
            return (BLAS) m.invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException noVectorApi) {
            return JavaBLAS.getInstance();
        }
    }

    /**
     * netlib's JNI binding to the system's libblas.so.3, for all five products: opt-in, because its
     * bits are that library's, that CPU's and that thread count's, not the Java kernel's (the seed
     * recipe's weights.bin: 54e508af... with Java, ec6a4af4... with OpenBLAS one thread, 78b5fec7...
     * with OpenBLAS two threads). It pays only with an optimised library and one BLAS thread per task:
     * KernelBenchmark, B=100 one thread, 2026-12-04, load 0.5-1.4: Debian's reference libblas3
     * 3.995 ms vs Java 0.582 ms (6.9 x slower), OpenBLAS 0.3.21 with OPENBLAS_NUM_THREADS=1 0.203 ms
     * vs 0.613 ms (3.0 x faster). End to end (submit.sh, local[2], quiet, 3 runs each side by side):
     * seed recipe wall 21.61 s vs 23.97 s (0.91 x) with one OpenBLAS thread, 41.5 s with its default
     * two threads per task (which is why submit.sh and executors default OPENBLAS_NUM_THREADS to 1).
     * So "native where present" would be a trap on the many machines whose libblas is the reference one.
     */
    private static BLAS nativeBlas() {
        try {
            return dev.ludovic.netlib.blas.NativeBLAS.getInstance();
        } catch (RuntimeException | LinkageError notLoadable) {
            throw new IllegalStateException("-D" + BLAS_PROPERTY + "=native: no native BLAS loads in this JVM"
                    + " (install OpenBLAS, e.g. apt-get install libopenblas0-pthread): " + notLoadable, notLoadable);
        }
    }

    public static String blasImplementation() {
        return BLAS_IMPL.getClass().getSimpleName();
    }

    /** Whether kernels use {@link SgemmNT} and {@link SgemmTN} (see OWN_PRODUCTS). */
    static boolean ownProductsInUse() {
        return OWN_PRODUCTS;
    }

    private static boolean ownProducts() {
        if (!"dev.ludovic.netlib.blas.VectorBLAS".equals(BLAS_IMPL.getClass().getName())
                || !"3.2.0".equals(netlibBlasVersion())) {
            return false;
        }
        try {
            return SgemmNT.LANES > 0;
        } catch (LinkageError noVectorApi) {
            return false;
        }
    }

    /** The version of netlib-java's blas jar on the class path, from its Maven properties (null: unknown). */
    static String netlibBlasVersion() {
        try (java.io.InputStream in = BLAS.class.getResourceAsStream("/META-INF/maven/dev.ludovic.netlib/blas/pom.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (java.io.IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * Adds to {@code grad} the gradient, summed over the samples, of the cross-entropy
     * {@code -sum d log y} with respect to the parameters {@code p}.
     *
     * @param samples indices of the samples in {@code pixels}/{@code labels}, or null for all of
     *                {@code [from, to)}
     * @param from    first position in {@code samples} (or first sample when null)
     * @param to      end position (exclusive)
     * @param sums    if not null, receives the loss and error of the samples at {@code p}
     */
    public void addGradient(float[] p, byte[] pixels, byte[] labels, int[] samples, int from, int to,
                            float[] grad, EvalSums sums) {
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            loadInputs(pixels, samples, start, n);
            gradientOfLoaded(p, labels, samples, start, n, grad, sums);
        }
    }

    /**
     * {@link #addGradient(float[], byte[], byte[], int[], int, int, float[], EvalSums)} for samples
     * given as real-valued features ({@code inputs} floats per sample), used as they are: no scaling.
     */
    public void addGradient(float[] p, float[] features, byte[] labels, int[] samples, int from, int to,
                            float[] grad, EvalSums sums) {
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            loadFeatures(features, samples, start, n);
            gradientOfLoaded(p, labels, samples, start, n, grad, sums);
        }
    }

    /** Forward and backward pass over the {@code n} samples already loaded into {@code x}. */
    private void gradientOfLoaded(float[] p, byte[] labels, int[] samples, int start, int n, float[] grad,
                                  EvalSums sums) {
        forward(p, n);
        // Output delta in the stable form y - d (equal to softmaxp(a2, -d/y), see tests):
        // softmax overwrites a2 in place, then the label's entry loses 1.
        softmaxInPlace(labels, samples, start, n, sums);
        for (int s = 0; s < n; s++) {
            a2[s * no + labelOf(labels, samples, start + s)] -= 1f;
        }
        backward(p, n, grad);
    }

    /**
     * Adds loss, error and confusion counts at {@code p} to {@code sums}, for the samples at
     * positions {@code [from, to)} of {@code samples} (or samples {@code [from, to)} when null).
     */
    public void evaluate(float[] p, byte[] pixels, byte[] labels, int[] samples, int from, int to, EvalSums sums) {
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            loadInputs(pixels, samples, start, n);
            forward(p, n);
            softmaxInPlace(labels, samples, start, n, sums);
        }
    }

    /** {@link #evaluate(float[], byte[], byte[], int[], int, int, EvalSums)} for real-valued features. */
    public void evaluate(float[] p, float[] features, byte[] labels, int[] samples, int from, int to, EvalSums sums) {
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            loadFeatures(features, samples, start, n);
            forward(p, n);
            softmaxInPlace(labels, samples, start, n, sums);
        }
    }

    /**
     * The output layer's pre-softmax values (logits) of samples {@code [from, to)} of real-valued
     * {@code features}, {@code outputs} floats per sample into {@code out} from {@code outOffset}.
     */
    public void logits(float[] p, float[] features, int from, int to, float[] out, int outOffset) {
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            loadFeatures(features, null, start, n);
            forward(p, n);
            System.arraycopy(a2, 0, out, outOffset + (start - from) * no, n * no);
        }
    }

    /**
     * Predicted class of samples {@code [from, to)} into {@code out[outOffset...]}, and if
     * {@code probabilities} is not null their softmax outputs ({@code outputs} floats per sample).
     */
    public void predict(float[] p, byte[] pixels, int from, int to, int[] out, int outOffset,
                        float[] probabilities) {
        for (int start = from; start < to; start += CHUNK) {
            int n = Math.min(CHUNK, to - start);
            loadInputs(pixels, null, start, n);
            forward(p, n);
            softmaxInPlace(null, null, start, n, null);
            System.arraycopy(predicted, 0, out, outOffset + start - from, n);
            if (probabilities != null) {
                System.arraycopy(a2, 0, probabilities, (outOffset + start - from) * no, n * no);
            }
        }
    }

    private static int labelOf(byte[] labels, int[] samples, int position) {
        return labels[samples == null ? position : samples[position]] & 0xff;
    }

    private void loadInputs(byte[] pixels, int[] samples, int start, int n) {
        for (int s = 0; s < n; s++) {
            int src = (samples == null ? start + s : samples[start + s]) * ni;
            int dst = s * ni;
            for (int i = 0; i < ni; i++) {
                x[dst + i] = SCALE[pixels[src + i] & 0xff];
            }
        }
    }

    private void loadFeatures(float[] features, int[] samples, int start, int n) {
        for (int s = 0; s < n; s++) {
            int src = (samples == null ? start + s : samples[start + s]) * ni;
            System.arraycopy(features, src, x, s * ni, ni);
        }
    }

    /** a1 = W1 x + b1, h1 = relu(a1), a2 = W2 h1 + b2 for the first n columns. */
    private void forward(float[] p, int n) {
        for (int s = 0; s < n; s++) {
            System.arraycopy(p, shape.b1Offset(), a1, s * nh, nh);
            System.arraycopy(p, shape.b2Offset(), a2, s * no, no);
        }
        if (ownProducts && p == heldParams && SgemmTN.replicates(nh, n, ni)) {
            if (!w1TransposedValid) {
                if (w1Transposed == null) {
                    w1Transposed = new float[ni * nh];
                }
                SgemmTN.transpose(p, shape.w1Offset(), ni, ni, nh, w1Transposed);
                w1TransposedValid = true;
            }
            SgemmTN.multiply(nh, n, ni, w1Transposed, x, 0, ni, a1, 0, nh, productScratch);
        } else {
            blas.sgemm("T", "N", nh, n, ni, 1f, p, shape.w1Offset(), ni, x, 0, ni, 1f, a1, 0, nh);
        }
        for (int i = 0; i < nh * n; i++) {
            h1[i] = Math.max(a1[i], 0f);
        }
        blas.sgemm("T", "N", no, n, nh, 1f, p, shape.w2Offset(), nh, h1, 0, nh, 1f, a2, 0, no);
    }

    /**
     * Replaces each column of a2 by its softmax (shifted by the column max), records the arg max,
     * and, if {@code sums} is given, the loss term {@code -log y[label]} computed as
     * {@code log(sum exp(a - max)) - (a[label] - max)} so that it stays finite when y underflows.
     */
    private void softmaxInPlace(byte[] labels, int[] samples, int start, int n, EvalSums sums) {
        for (int s = 0; s < n; s++) {
            int base = s * no;
            int best = 0;
            float max = a2[base];
            for (int o = 1; o < no; o++) {
                if (a2[base + o] > max) {
                    max = a2[base + o];
                    best = o;
                }
            }
            predicted[s] = best;
            double sum = 0;
            for (int o = 0; o < no; o++) {
                sum += Math.exp(a2[base + o] - max);
            }
            if (sums != null) {
                int label = labelOf(labels, samples, start + s);
                sums.add(label, best, Math.log(sum) - (a2[base + label] - max));
            }
            for (int o = 0; o < no; o++) {
                a2[base + o] = (float) (Math.exp(a2[base + o] - max) / sum);
            }
        }
    }

    /** Accumulates the gradient from delta2 (held in a2) into {@code grad}. */
    private void backward(float[] p, int n, float[] grad) {
        float[] delta2 = a2;
        // dW2 (row-major no x nh, i.e. column-major W2^T) += h1 delta2^T
        blas.sgemm("N", "T", nh, no, n, 1f, h1, 0, nh, delta2, 0, no, 1f, grad, shape.w2Offset(), nh);
        // delta1 = relup(a1, W2^T delta2)
        blas.sgemm("N", "N", nh, n, no, 1f, p, shape.w2Offset(), nh, delta2, 0, no, 0f, delta1, 0, nh);
        for (int i = 0; i < nh * n; i++) {
            if (!(a1[i] > 0f)) {
                delta1[i] = 0f;
            }
        }
        // dW1 (row-major nh x ni, i.e. column-major W1^T) += x delta1^T
        if (ownProducts && SgemmNT.replicates(ni, nh, n)) {
            SgemmNT.multiply(ni, nh, n, x, 0, ni, delta1, 0, nh, 1f, grad, shape.w1Offset(), ni, productScratch);
        } else {
            blas.sgemm("N", "T", ni, nh, n, 1f, x, 0, ni, delta1, 0, nh, 1f, grad, shape.w1Offset(), ni);
        }
        int b1 = shape.b1Offset();
        int b2 = shape.b2Offset();
        for (int s = 0; s < n; s++) {
            for (int h = 0; h < nh; h++) {
                grad[b1 + h] += delta1[s * nh + h];
            }
            for (int o = 0; o < no; o++) {
                grad[b2 + o] += delta2[s * no + o];
            }
        }
    }
}
