package shallownet.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetworkKernelTest {

    private static byte[] randomBytes(SplittableRandom r, int n, int bound) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(bound);
        }
        return b;
    }

    private static double maxRelative(float[] actual, double[] expected) {
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
        }
        return maxDiff / maxAbs;
    }

    @ParameterizedTest(name = "{0}-{1}-{2}, {3} samples")
    @CsvSource({"12, 5, 4, 7", "784, 64, 10, 100", "784, 64, 10, 300", "30, 3, 10, 513"})
    void gradientMatchesTheNotebookInDoublePrecision(int ni, int nh, int no, int n) {
        // 300 and 513 samples span several kernel chunks.
        NetworkShape shape = new NetworkShape(ni, nh, no);
        float[] p = WeightInit.initShallow(shape, 7);
        SplittableRandom r = new SplittableRandom(ni * 31L + n);
        byte[] pixels = randomBytes(r, n * ni, 256);
        byte[] labels = randomBytes(r, n, no);
        float[] grad = new float[shape.parameterCount()];
        EvalSums sums = new EvalSums(no);
        new NetworkKernel(shape).addGradient(p, pixels, labels, null, 0, n, grad, sums);

        NotebookReference ref = new NotebookReference(shape, p);
        double[] x = NotebookReference.normalise(pixels);
        double[] expected = ref.gradient(x, labels);
        assertTrue(maxRelative(grad, expected) < 1e-4, "relative difference " + maxRelative(grad, expected));

        double[] y = ref.forward(x, n)[3];
        double[] d = Labels.toOneHot(labels, no);
        assertEquals(NotebookReference.evalLoss(y, d), sums.loss(), 1e-6 * NotebookReference.evalLoss(y, d));
        assertEquals(NotebookReference.evalPerfs(y, labels, no), sums.errorPercent(), 1e-9);
        assertEquals(n, sums.count());
    }

    @Test
    void gradientOfASelectionEqualsTheGradientOfThoseSamplesAlone() {
        NetworkShape shape = new NetworkShape(20, 6, 10);
        float[] p = WeightInit.initShallow(shape, 3);
        SplittableRandom r = new SplittableRandom(9);
        int n = 50;
        byte[] pixels = randomBytes(r, n * 20, 256);
        byte[] labels = randomBytes(r, n, 10);
        int[] pick = {41, 3, 17, 3, 0};
        float[] viaIndices = new float[shape.parameterCount()];
        new NetworkKernel(shape).addGradient(p, pixels, labels, pick, 0, pick.length, viaIndices, null);

        byte[] px = new byte[pick.length * 20];
        byte[] lb = new byte[pick.length];
        for (int k = 0; k < pick.length; k++) {
            System.arraycopy(pixels, pick[k] * 20, px, k * 20, 20);
            lb[k] = labels[pick[k]];
        }
        float[] copied = new float[shape.parameterCount()];
        new NetworkKernel(shape).addGradient(p, px, lb, null, 0, pick.length, copied, null);
        assertArrayEquals(copied, viaIndices);
    }

    @Test
    void kernelGradientAgreesWithFiniteDifferencesOfTheLoss() {
        // The kernel's float gradient against d(sum of -log y[label]) / d(param) by central
        // differences of the double-precision loss: independent of the kernel and of the reference's
        // backward pass, so a wrong kernel derivative fails here.
        NetworkShape shape = new NetworkShape(16, 5, 10);
        float[] p = WeightInit.initShallow(shape, 21);
        SplittableRandom r = new SplittableRandom(4);
        int n = 20;
        byte[] pixels = randomBytes(r, n * 16, 256);
        byte[] labels = randomBytes(r, n, 10);
        double[] x = NotebookReference.normalise(pixels);
        float[] kernel = new float[shape.parameterCount()];
        new NetworkKernel(shape).addGradient(p, pixels, labels, null, 0, n, kernel, null);
        int checked = 0;
        for (int k = 0; k < shape.parameterCount(); k++) {
            double h = 1e-3;
            float[] plus = p.clone();
            float[] minus = p.clone();
            plus[k] += (float) h;
            minus[k] -= (float) h;
            double actualStep = (double) plus[k] - minus[k];
            double numeric = (totalLoss(shape, plus, x, labels) - totalLoss(shape, minus, x, labels)) / actualStep;
            assertEquals(numeric, kernel[k], 1e-3 * Math.max(1, Math.abs(numeric)), "parameter " + k);
            checked++;
        }
        assertEquals(shape.parameterCount(), checked, "every entry of W1, b1, W2 and b2");
    }

    private static double totalLoss(NetworkShape shape, float[] p, double[] x, byte[] labels) {
        double[] y = new NotebookReference(shape, p).forward(x, labels.length)[3];
        double sum = 0;
        for (int s = 0; s < labels.length; s++) {
            sum -= Math.log(y[s * shape.outputs() + (labels[s] & 0xff)]);
        }
        return sum;
    }

    @Test
    void lossStaysFiniteWhenSoftmaxUnderflows() {
        // A confidently wrong network: y[label] underflows to 0 in float, the loss must not be infinite.
        NetworkShape shape = new NetworkShape(4, 2, 10);
        float[] p = new float[shape.parameterCount()];
        p[shape.b2Offset()] = 200f; // always predicts class 0 with y[others] ~ e^-200
        EvalSums sums = new EvalSums(10);
        new NetworkKernel(shape).evaluate(p, new byte[] {1, 2, 3, 4}, new byte[] {5}, null, 0, 1, sums);
        assertEquals(200.0 / 10, sums.loss(), 1e-4);
        assertEquals(100.0, sums.errorPercent());
    }

    @Test
    void predictReturnsArgmaxAndProbabilities() {
        NetworkShape shape = new NetworkShape(784, 64, 10);
        float[] p = WeightInit.initShallow(shape, 5);
        SplittableRandom r = new SplittableRandom(2);
        int n = 300;
        byte[] pixels = randomBytes(r, n * 784, 256);
        int[] out = new int[n];
        float[] probs = new float[n * 10];
        new NetworkKernel(shape).predict(p, pixels, 0, n, out, 0, probs);
        double[] y = new NotebookReference(shape, p).forward(NotebookReference.normalise(pixels), n)[3];
        int[] expected = Labels.argmaxColumns(y, 10);
        assertArrayEquals(expected, out);
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i], probs[i], 1e-5);
        }
    }

    @Test
    void scalingIsTheNotebooksMinusOnePlusTwoXOver255() {
        assertEquals(-1f, NetworkKernel.scalePixel((byte) 0));
        assertEquals(1f, NetworkKernel.scalePixel((byte) 255));
        assertEquals(-1f + (2f * 128) / 255f, NetworkKernel.scalePixel((byte) 128));
    }

    @Test
    void theWeightGradientHasTheBitsOfTheBlasCallItReplaces() {
        // SgemmNT for dW1, SgemmTN for the forward product (issue 26): the same gradient to the
        // bit as VectorBLAS's sgemm, for selections of every size around the kernel's chunks and
        // the library's 20-sample threshold, MNIST-like pixels (mostly background), and the loss.
        assertTrue(NetworkKernel.ownProductsInUse(), "the tests run with VectorBLAS 3.2.0");
        NetworkShape shape = new NetworkShape(784, 64, 10);
        float[] p = WeightInit.initShallow(shape, 11);
        SplittableRandom r = new SplittableRandom(26);
        int count = 2000;
        byte[] pixels = new byte[count * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (r.nextInt(5) == 0 ? r.nextInt(256) : 0);
        }
        byte[] labels = randomBytes(r, count, 10);
        NetworkKernel own = new NetworkKernel(shape, true);
        NetworkKernel library = new NetworkKernel(shape, false);
        for (int n : new int[] {1, 2, 3, 7, 19, 20, 21, 54, 100, 255, 256, 257, 275, 300, 513, 1000}) {
            int[] pick = new int[n];
            for (int i = 0; i < n; i++) {
                pick[i] = r.nextInt(count);
            }
            float[] start = new float[shape.parameterCount()];
            for (int i = 0; i < start.length; i++) {
                start[i] = (float) (r.nextGaussian() * 1e-3);
            }
            float[] viaOwn = start.clone();
            float[] viaLibrary = start.clone();
            EvalSums ownSums = new EvalSums(10);
            EvalSums librarySums = new EvalSums(10);
            // Weights held (as a partition's fold holds them) for half the sizes: SgemmTN for the
            // forward product of chunks under 20 samples; the other half by the library.
            boolean hold = n % 2 == 1;
            if (hold) {
                own.holdWeights(p);
            }
            own.addGradient(p, pixels, labels, pick, 0, n, viaOwn, ownSums);
            own.releaseWeights();
            library.addGradient(p, pixels, labels, pick, 0, n, viaLibrary, librarySums);
            for (int i = 0; i < start.length; i++) {
                if (Float.floatToRawIntBits(viaOwn[i]) != Float.floatToRawIntBits(viaLibrary[i])) {
                    throw new AssertionError(n + " samples: gradient entry " + i + " is " + viaOwn[i]
                            + ", with the BLAS call " + viaLibrary[i]);
                }
            }
            assertEquals(librarySums.crossEntropySum(), ownSums.crossEntropySum());
        }
    }

    @Test
    void theBlasIsJavaUnlessNativeIsAskedForAndAnythingElseIsRefused() {
        assertEquals("dev.ludovic.netlib.blas.VectorBLAS", NetworkKernel.blasFor("java").getClass().getName());
        IllegalArgumentException typo = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> NetworkKernel.blasFor("openblas"));
        assertEquals("-Dshallownet.blas=openblas: expected java or native", typo.getMessage());
    }

    @Test
    void aNativeBlasGivesTheJavaKernelsGradientToFloatPrecision() {
        // -Dshallownet.blas=native: whatever libblas.so.3 this machine has (reference or OpenBLAS),
        // or a refusal that says what to install; never a silent fallback to Java.
        dev.ludovic.netlib.blas.BLAS nativeBlas;
        try {
            nativeBlas = NetworkKernel.blasFor("native");
        } catch (IllegalStateException notLoadable) {
            assertTrue(notLoadable.getMessage().startsWith("-Dshallownet.blas=native: no native BLAS loads"),
                    notLoadable.getMessage());
            org.junit.jupiter.api.Assumptions.abort("no native BLAS here: " + notLoadable.getMessage());
            return;
        }
        assertEquals("dev.ludovic.netlib.blas.JNIBLAS", nativeBlas.getClass().getName());
        NetworkShape shape = new NetworkShape(784, 64, 10);
        float[] p = WeightInit.initShallow(shape, 5);
        SplittableRandom r = new SplittableRandom(24);
        int n = 300;
        byte[] pixels = randomBytes(r, n * 784, 256);
        byte[] labels = randomBytes(r, n, 10);
        float[] viaNative = new float[shape.parameterCount()];
        float[] viaJava = new float[shape.parameterCount()];
        EvalSums nativeSums = new EvalSums(10);
        EvalSums javaSums = new EvalSums(10);
        NetworkKernel.withBlas(shape, nativeBlas).addGradient(p, pixels, labels, null, 0, n, viaNative, nativeSums);
        new NetworkKernel(shape).addGradient(p, pixels, labels, null, 0, n, viaJava, javaSums);
        double[] expected = new double[viaJava.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = viaJava[i];
        }
        assertTrue(maxRelative(viaNative, expected) < 1e-5, "relative difference " + maxRelative(viaNative, expected));
        assertEquals(javaSums.loss(), nativeSums.loss(), 1e-6 * javaSums.loss());
    }
}
