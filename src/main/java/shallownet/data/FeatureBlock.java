package shallownet.data;

import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;

/**
 * A contiguous run of labelled samples with real-valued features (any scale, any number per
 * sample): {@code count} samples of {@code featuresPerSample} floats in one array and their labels
 * (class indices below 256) in another. The inputs reach the network as they are, unscaled.
 */
public final class FeatureBlock extends LabeledRange {

    private static final long serialVersionUID = 2L;

    private final float[] features;

    public FeatureBlock(int firstIndex, int featuresPerSample, float[] features, byte[] labels) {
        super(firstIndex, featuresPerSample, features.length, labels, "features");
        if (featuresPerSample < 1) {
            throw new IllegalArgumentException(features.length + " features for " + labels.length
                    + " labels of " + featuresPerSample + " features");
        }
        this.features = features;
    }

    public float[] features() {
        return features;
    }

    /** The sum of the squares of this block's features (their root mean square tells their scale). */
    public double sumOfSquares() {
        double s = 0;
        for (float f : features) {
            s += (double) f * f;
        }
        return s;
    }

    /** The largest magnitude of a feature in this block. */
    public double maxAbsFeature() {
        float m = 0;
        for (float f : features) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    @Override
    public void kernelGradient(NetworkKernel kernel, float[] params, int[] local, int n, float[] grad, EvalSums sums) {
        kernel.addGradient(params, features, labels, local, 0, n, grad, sums);
    }

    @Override
    public long dataBytes() {
        return 4L * features.length + labels.length;
    }

    @Override
    public void kernelEvaluate(NetworkKernel kernel, float[] params, int[] local, int n, EvalSums sums) {
        kernel.evaluate(params, features, labels, local, 0, n, sums);
    }
}
