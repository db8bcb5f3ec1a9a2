package shallownet.train;

import java.util.SplittableRandom;

/**
 * The order of samples in an epoch, as the notebook's {@code np.random.permutation(N)}: a
 * Fisher-Yates shuffle, here drawn from a generator derived from the seed and the epoch alone,
 * so any epoch's order can be reproduced without replaying the ones before it.
 */
public final class MinibatchOrder {

    private MinibatchOrder() {
    }

    /** Permutation of {@code 0..n-1} for {@code epoch} (1-based). */
    public static int[] permutation(long seed, int epoch, int n) {
        SplittableRandom random = new SplittableRandom(mix(seed, epoch));
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    /** Number of minibatches in an epoch of {@code n} samples: the last one may be short. */
    public static int steps(int n, int batchSize) {
        return (int) ((n + (long) batchSize - 1) / batchSize); // long: a batch size near Integer.MAX_VALUE must not wrap
    }

    private static long mix(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
