package shallownet.data;

import java.io.Serializable;
import java.util.Arrays;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;

/**
 * A contiguous run of labelled samples (indices {@code firstIndex() .. firstIndex() + count() - 1}
 * in the whole data set) as the training loop sees it. Two kinds: {@link SampleBlock}, raw
 * {@code uint8} pixels scaled in the kernel (the MNIST path), and {@link FeatureBlock}, real-valued
 * features (the Spark ML path). They differ only in how the kernel loads their inputs; the
 * selection of a minibatch's samples and of a validation split is shared here.
 */
public interface LabeledBlock extends Serializable {

    /** Index in the whole data set of this block's first sample. */
    int firstIndex();

    int count();

    /** Inputs per sample. */
    int inputsPerSample();

    int label(int local);

    /** Memory held by the sample data (what caching this block costs, less object headers). */
    long dataBytes();

    /**
     * Adds the gradient of samples {@code local[0..n)} (positions in this block; all of
     * {@code [0, n)} when null) to {@code grad}, and their metrics to {@code sums} if not null.
     */
    void kernelGradient(NetworkKernel kernel, float[] params, int[] local, int n, float[] grad, EvalSums sums);

    /** Adds the metrics of samples {@code local[0..n)} (all of {@code [0, n)} when null) to {@code sums}. */
    void kernelEvaluate(NetworkKernel kernel, float[] params, int[] local, int n, EvalSums sums);

    /**
     * The positions in this block of the samples of {@code batch} (indices in the whole data set)
     * it holds, in minibatch order. A new array: at most B ints per block and step, nothing next to
     * the step's 200 KB gradient.
     */
    default int[] selectBatch(int[] batch) {
        int first = firstIndex();
        int count = count();
        int[] local = new int[batch.length];
        int n = 0;
        for (int index : batch) {
            int i = index - first;
            if (i >= 0 && i < count) {
                local[n++] = i;
            }
        }
        return Arrays.copyOf(local, n);
    }

    default void evaluate(NetworkKernel kernel, float[] params, EvalSums sums) {
        kernelEvaluate(kernel, params, null, count(), sums);
    }

    /**
     * Evaluates the samples whose indices are in {@code heldOut} (sorted, indices in the whole
     * data set) into {@code heldOutSums} and all others into {@code restSums}.
     */
    default void evaluateSplit(NetworkKernel kernel, float[] params, int[] heldOut, EvalSums restSums,
                               EvalSums heldOutSums) {
        int first = firstIndex();
        int count = count();
        int lo = lowerBound(heldOut, first);
        int hi = lowerBound(heldOut, first + count);
        int[] held = new int[hi - lo];
        int[] rest = new int[count - held.length];
        int r = 0;
        int next = lo;
        for (int i = 0; i < count; i++) {
            if (next < hi && heldOut[next] == first + i) {
                held[next++ - lo] = i;
            } else {
                rest[r++] = i;
            }
        }
        kernelEvaluate(kernel, params, rest, rest.length, restSums);
        kernelEvaluate(kernel, params, held, held.length, heldOutSums);
    }

    private static int lowerBound(int[] sorted, int key) {
        int i = Arrays.binarySearch(sorted, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == key) {
            i--;
        }
        return i;
    }
}
