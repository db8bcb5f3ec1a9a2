package shallownet.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import shallownet.data.SampleBlock;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * The misclassified samples with the lowest indices, at most {@code limit}, with their pixels and
 * predicted label: a fold with {@code merge}, so the result is the same however the samples are
 * partitioned. A plain class, not a record: it travels as a task result, and Kryo cannot build records.
 */
public final class MisclassifiedSamples implements BlockFold<SampleBlock, Void, MisclassifiedSamples> {

    private static final long serialVersionUID = 1L;

    private final int limit;
    private final ArrayList<Sample> samples = new ArrayList<>();

    public MisclassifiedSamples(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        this.limit = limit;
    }

    /** One misclassified sample: its index in the data set, pixels, true and predicted label. */
    public static final class Sample implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final byte[] pixels;
        private final int label;
        private final int predicted;

        public Sample(int index, byte[] pixels, int label, int predicted) {
            this.index = index;
            this.pixels = pixels;
            this.label = label;
            this.predicted = predicted;
        }

        public int index() {
            return index;
        }

        public byte[] pixels() {
            return pixels;
        }

        public int label() {
            return label;
        }

        public int predicted() {
            return predicted;
        }
    }

    /** Predicts every sample of {@code block} at {@code params} and keeps the misclassified ones. */
    @Override
    public MisclassifiedSamples add(SampleBlock block, NetworkShape shape, float[] params, Void none) {
        int[] predicted = new int[block.count()];
        NetworkKernel.forThread(shape).predict(params, block.pixels(), 0, block.count(), predicted, 0, null);
        int ppi = block.pixelsPerSample();
        // Within a block indices ascend, so past the limit no later sample of it can be kept.
        for (int i = 0, taken = 0; i < block.count() && taken < limit; i++) {
            if (predicted[i] != block.label(i)) {
                byte[] px = java.util.Arrays.copyOfRange(block.pixels(), i * ppi, (i + 1) * ppi);
                samples.add(new Sample(block.firstIndex() + i, px, block.label(i), predicted[i]));
                taken++;
            }
        }
        keepLowest();
        return this;
    }

    @Override
    public MisclassifiedSamples merge(MisclassifiedSamples other) {
        samples.addAll(other.samples);
        keepLowest();
        return this;
    }

    private void keepLowest() {
        samples.sort(Comparator.comparingInt(Sample::index));
        while (samples.size() > limit) {
            samples.remove(samples.size() - 1);
        }
    }

    /** The kept samples, by ascending index. */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }
}
