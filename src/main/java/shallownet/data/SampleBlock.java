package shallownet.data;

import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;

/**
 * A contiguous run of labelled samples in compact form: {@code count} images of
 * {@code pixelsPerSample} raw {@code uint8} pixels in one array, and their labels in another.
 * One object per chunk of samples, never one per image; scaling happens in the kernel.
 */
public final class SampleBlock extends LabeledRange {

    private static final long serialVersionUID = 2L;

    private final byte[] pixels;

    public SampleBlock(int firstIndex, int pixelsPerSample, byte[] pixels, byte[] labels) {
        super(firstIndex, pixelsPerSample, pixels.length, labels, "pixels");
        this.pixels = pixels;
    }

    public int pixelsPerSample() {
        return inputsPerSample();
    }

    public byte[] pixels() {
        return pixels;
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
