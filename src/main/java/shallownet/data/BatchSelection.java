package shallownet.data;

import java.util.Arrays;
import java.util.List;

/**
 * A step's minibatch split among the blocks of one partition in a single pass: for each block,
 * the positions in it of the batch's samples it holds, in minibatch order, exactly what
 * {@link LabeledBlock#selectBatch} finds for that block alone. The per-block scan costs
 * O(blocks x B) per partition and step, and the blocks grow with the data set (1.2 M samples in
 * 2 partitions: 37 blocks each, 148,000 comparisons per step at B=4000); this costs
 * O(B log blocks + blocks log blocks), and each block then takes O(its samples).
 *
 * <p>Blocks may come in any order (the selection of block {@code b} is that of the b-th block of
 * the list) but must not overlap; {@link #of} returns null if they do, and the caller scans per
 * block.
 */
public final class BatchSelection {

    /** {@code local[offsets[b] .. offsets[b + 1])}: block b's positions, in minibatch order. */
    private final int[] offsets;
    private final int[] local;

    private BatchSelection(int[] offsets, int[] local) {
        this.offsets = offsets;
        this.local = local;
    }

    /** The batch's samples (indices in the whole data set) among {@code blocks}; null if two blocks overlap. */
    public static BatchSelection of(List<? extends LabeledBlock> blocks, int[] batch) {
        int nb = blocks.size();
        // Non-empty blocks by first index (a few dozen: sorting them per step costs nothing next to the batch).
        long[] byFirst = new long[nb];
        int ns = 0;
        for (int b = 0; b < nb; b++) {
            if (blocks.get(b).count() > 0) {
                byFirst[ns++] = ((long) blocks.get(b).firstIndex() << 32) | b;
            }
        }
        Arrays.sort(byFirst, 0, ns);
        int[] first = new int[ns];
        int[] end = new int[ns];
        int[] block = new int[ns];
        for (int i = 0; i < ns; i++) {
            block[i] = (int) byFirst[i];
            LabeledBlock lb = blocks.get(block[i]);
            first[i] = lb.firstIndex();
            end[i] = lb.firstIndex() + lb.count();
            if (i > 0 && first[i] < end[i - 1]) {
                return null;
            }
        }
        // Each sample's block by binary search, then a stable counting sort: minibatch order within each block.
        int[] owner = new int[batch.length];
        int[] offsets = new int[nb + 1];
        for (int j = 0; j < batch.length; j++) {
            int index = batch[j];
            int i = Arrays.binarySearch(first, index);
            if (i < 0) {
                i = -i - 2;
            }
            if (i >= 0 && index < end[i]) {
                owner[j] = i;
                offsets[block[i] + 1]++;
            } else {
                owner[j] = -1;
            }
        }
        for (int b = 0; b < nb; b++) {
            offsets[b + 1] += offsets[b];
        }
        int[] local = new int[offsets[nb]];
        int[] next = Arrays.copyOf(offsets, nb);
        for (int j = 0; j < batch.length; j++) {
            int i = owner[j];
            if (i >= 0) {
                local[next[block[i]]++] = batch[j] - first[i];
            }
        }
        return new BatchSelection(offsets, local);
    }

    /** How many of the batch's samples block {@code b} holds. */
    public int count(int b) {
        return offsets[b + 1] - offsets[b];
    }

    /** Block {@code b}'s positions, in minibatch order (a new array). */
    public int[] positions(int b) {
        return Arrays.copyOfRange(local, offsets[b], offsets[b + 1]);
    }
}
