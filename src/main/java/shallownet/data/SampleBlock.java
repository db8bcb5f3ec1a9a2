package shallownet.data;

import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;

/**
 * A contiguous run of labelled samples in compact form: {@code count} images of
 * {@code pixelsPerSample} raw {@code uint8} pixels in one array, and their labels in another.
 * One object per chunk of samples, never one per image; scaling happens in the kernel.
 */
public final class SampleBlock implements LabeledBlock {

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

    @Override
    public int firstIndex() {
        return firstIndex;
    }

    @Override
    public int count() {
        return count;
    }

    public int pixelsPerSample() {
        return pixelsPerSample;
    }

    @Override
    public int inputsPerSample() {
        return pixelsPerSample;
    }

    public byte[] pixels() {
        return pixels;
    }

    public byte[] labels() {
        return labels;
    }

    @Override
    public int label(int local) {
        return labels[local] & 0xff;
    }

    @Override
    public void kernelGradient(NetworkKernel kernel, float[] params, int[] local, int n, float[] grad, EvalSums sums) {
        kernel.addGradient(params, pixels, labels, local, 0, n, grad, sums);
    }

    @Override
    public void kernelEvaluate(NetworkKernel kernel, float[] params, int[] local, int n, EvalSums sums) {
        kernel.evaluate(params, pixels, labels, local, 0, n, sums);
    }

    @Override
    public long dataBytes() {
        return (long) pixels.length + labels.length;
    }
}
