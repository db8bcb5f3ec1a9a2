package shallownet.testutil;

import java.util.SplittableRandom;
import shallownet.data.SampleBlock;

/**
 * Small learnable data made in memory: each class lights its own band of pixels, plus noise, so
 * a network can learn it in a few epochs.
 */
public final class SyntheticDigits {

    private SyntheticDigits() {
    }

    public static SampleBlock block(int firstIndex, int count, int pixels, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed + firstIndex);
        byte[] px = new byte[count * pixels];
        byte[] labels = new byte[count];
        int band = Math.max(1, pixels / classes);
        for (int s = 0; s < count; s++) {
            int label = r.nextInt(classes);
            labels[s] = (byte) label;
            for (int i = 0; i < pixels; i++) {
                int v = r.nextInt(60);
                if (i / band == label) {
                    v += 150;
                }
                px[s * pixels + i] = (byte) v;
            }
        }
        return new SampleBlock(firstIndex, pixels, px, labels);
    }

    /** {@code whole} cut into {@code parts} contiguous blocks, as partitions would hold it. */
    public static java.util.List<SampleBlock> split(SampleBlock whole, int parts) {
        java.util.List<SampleBlock> out = new java.util.ArrayList<>();
        int ppi = whole.pixelsPerSample();
        for (int k = 0; k < parts; k++) {
            int from = (int) ((long) k * whole.count() / parts);
            int to = (int) ((long) (k + 1) * whole.count() / parts);
            out.add(new SampleBlock(whole.firstIndex() + from, ppi,
                    java.util.Arrays.copyOfRange(whole.pixels(), from * ppi, to * ppi),
                    java.util.Arrays.copyOfRange(whole.labels(), from, to)));
        }
        return out;
    }
}
