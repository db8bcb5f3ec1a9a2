package shallownet.train;

import shallownet.InvalidSettingException;
import java.util.Arrays;

/**
 * A held-out validation part of the training set, drawn once per run from the seed: the indices
 * that train and the sorted indices that validate. With fraction 0 every sample trains and the
 * minibatch order is the notebook's permutation of all indices.
 */
public final class ValidationSplit {

    private final int[] train;
    private final int[] validation;

    private ValidationSplit(int[] train, int[] validation) {
        this.train = train;
        this.validation = validation;
    }

    public static ValidationSplit of(int n, double fraction, long seed) {
        int held = (int) Math.round(n * fraction);
        if (held == 0) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return new ValidationSplit(all, null);
        }
        if (held >= n) {
            throw new InvalidSettingException("{} " + fraction + " leaves no training sample", "validationFraction");
        }
        // Epoch 0's permutation is never a training order (epochs count from 1).
        int[] perm = MinibatchOrder.permutation(seed, 0, n);
        int[] validation = Arrays.copyOf(perm, held);
        int[] train = Arrays.copyOfRange(perm, held, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new ValidationSplit(train, validation);
    }

    /** Indices (in the whole training set) that train, ascending. */
    public int[] train() {
        return train;
    }

    /** Sorted held-out indices, or null when there is no validation split. */
    public int[] validation() {
        return validation;
    }

    /** The epoch's minibatch order over the training indices. */
    public int[] order(long seed, int epoch) {
        int[] perm = MinibatchOrder.permutation(seed, epoch, train.length);
        if (validation == null) {
            return perm;
        }
        for (int i = 0; i < perm.length; i++) {
            perm[i] = train[perm[i]];
        }
        return perm;
    }
}
