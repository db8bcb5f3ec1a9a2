package shallownet.data;

import java.io.Serializable;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;

/**
 * A contiguous run of labelled samples in compact form: {@code count} images of
 * {@code pixelsPerSample} raw {@code uint8} pixels in one array, and their labels in another.
 * One object per chunk of samples, never one per image; scaling happens in the kernel.
 */
public final class SampleBlock implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int firstIndex;
    private final int count;
    private final int pixelsPerSample;
    private final byte[] pixels;
    private final byte[] labels;

    public SampleBlock(int firstIndex, int pixelsPerSample, byte[] pixels, byte[] labels) {
        if (pixels.length != labels.length * pixelsPerSample) {
            throw new IllegalArgumentException(pixels.length + " pixels for " + labels.length
                    + " labels of " + pixelsPerSample + " pixels");
        }
        this.firstIndex = firstIndex;
        this.count = labels.length;
        this.pixelsPerSample = pixelsPerSample;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** Index in the whole data set of this block's first sample. */
    public int firstIndex() {
        return firstIndex;
    }

    public int count() {
        return count;
    }

    public int pixelsPerSample() {
        return pixelsPerSample;
    }

    public byte[] pixels() {
        return pixels;
    }

    public byte[] labels() {
        return labels;
    }

    public int label(int local) {
        return labels[local] & 0xff;
    }

    /**
     * Adds to {@code grad} the gradient sum over the samples of {@code batch} (indices in the
     * whole data set, in minibatch order) that this block holds, or over all of them when
     * {@code batch} is null. Returns how many samples it used.
     */
    public int addGradient(NetworkKernel kernel, float[] params, int[] batch, float[] grad, EvalSums sums) {
        if (batch == null) {
            kernel.addGradient(params, pixels, labels, null, 0, count, grad, sums);
            return count;
        }
        int[] local = kernel.selectionBuffer(batch.length);
        int n = 0;
        for (int index : batch) {
            int i = index - firstIndex;
            if (i >= 0 && i < count) {
                local[n++] = i;
            }
        }
        if (n > 0) {
            kernel.addGradient(params, pixels, labels, local, 0, n, grad, sums);
        }
        return n;
    }

    public void evaluate(NetworkKernel kernel, float[] params, EvalSums sums) {
        kernel.evaluate(params, pixels, labels, null, 0, count, sums);
    }

    /**
     * Evaluates the samples whose indices are in {@code heldOut} (sorted, indices in the whole
     * data set) into {@code heldOutSums} and all others into {@code restSums}.
     */
    public void evaluateSplit(NetworkKernel kernel, float[] params, int[] heldOut, EvalSums restSums,
                              EvalSums heldOutSums) {
        int lo = lowerBound(heldOut, firstIndex);
        int hi = lowerBound(heldOut, firstIndex + count);
        int[] held = new int[hi - lo];
        int[] rest = new int[count - held.length];
        int r = 0;
        int next = lo;
        for (int i = 0; i < count; i++) {
            if (next < hi && heldOut[next] == firstIndex + i) {
                held[next++ - lo] = i;
            } else {
                rest[r++] = i;
            }
        }
        kernel.evaluate(params, pixels, labels, rest, 0, rest.length, restSums);
        kernel.evaluate(params, pixels, labels, held, 0, held.length, heldOutSums);
    }

    private static int lowerBound(int[] sorted, int key) {
        int i = java.util.Arrays.binarySearch(sorted, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == key) {
            i--;
        }
        return i;
    }

    /** Memory held by the sample data (what caching this block costs, less object headers). */
    public long dataBytes() {
        return (long) pixels.length + labels.length;
    }
}
