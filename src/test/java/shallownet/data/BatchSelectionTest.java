package shallownet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The one-pass split of a minibatch among a partition's blocks selects what each block's own scan does, in order. */
class BatchSelectionTest {

    private static SampleBlock block(int first, int count) {
        return new SampleBlock(first, 4, new byte[4 * count], new byte[count]);
    }

    /** What every block did before: scan the whole batch for its own samples (LabeledBlock.selectBatch). */
    private static int[] linearScan(LabeledBlock block, int[] batch) {
        return block.selectBatch(batch);
    }

    private static int[] selected(BatchSelection s, int b) {
        int[] out = s.positions(b);
        assertEquals(s.count(b), out.length);
        return out;
    }

    private static void assertSameAsLinearScan(List<SampleBlock> blocks, int[] batch) {
        BatchSelection s = BatchSelection.of(blocks, batch);
        for (int b = 0; b < blocks.size(); b++) {
            assertArrayEquals(linearScan(blocks.get(b), batch), selected(s, b), "block " + b);
        }
    }

    /**
     * Random partitions (contiguous or with gaps, blocks in any order, some empty) and random
     * batches (a window of a permutation of a larger index space, so that some samples lie in
     * other partitions, or none in this one).
     */
    @RepeatedTest(200)
    void equalsEachBlocksLinearScanInMinibatchOrder(org.junit.jupiter.api.RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        List<SampleBlock> blocks = new ArrayList<>();
        int next = r.nextInt(1000);
        int nb = 1 + r.nextInt(40);
        for (int b = 0; b < nb; b++) {
            int count = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(300);
            blocks.add(block(next, count));
            next += count + (r.nextBoolean() ? 0 : r.nextInt(200));
        }
        if (r.nextBoolean()) {
            Collections.shuffle(blocks, r);
        }
        int space = next + r.nextInt(2 * next + 1);
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < space; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, r);
        int size = 1 + r.nextInt(Math.min(space, 5000));
        int[] batch = perm.subList(0, size).stream().mapToInt(Integer::intValue).toArray();
        assertSameAsLinearScan(blocks, batch);
    }

    @Test
    void theMnistLayoutAtTwentyTimesTheTrainingSet() {
        // Partition 0 of 1.2 M samples in 2 partitions, blocks of 16,384; a B=4000 step of a permutation of 1.2 M.
        List<SampleBlock> blocks = new ArrayList<>();
        for (int start = 0; start < 600_000; start += BlockReader.MAX_BLOCK_SAMPLES) {
            blocks.add(new SampleBlock(start, 1, new byte[Math.min(BlockReader.MAX_BLOCK_SAMPLES, 600_000 - start)],
                    new byte[Math.min(BlockReader.MAX_BLOCK_SAMPLES, 600_000 - start)]));
        }
        assertEquals(37, blocks.size());
        int[] perm = shallownet.train.MinibatchOrder.permutation(1, 1, 1_200_000);
        for (int step = 0; step < 5; step++) {
            assertSameAsLinearScan(blocks, Arrays.copyOfRange(perm, step * 4000, step * 4000 + 4000));
        }
    }

    @Test
    void aSampleNoBlockHoldsIsSkippedAndEmptyBlocksSelectNothing() {
        List<SampleBlock> blocks = List.of(block(10, 5), block(15, 0), block(15, 5), block(30, 2));
        int[] batch = {31, 0, 14, 15, 20, 19, 9, 30, 10, 25};
        BatchSelection s = BatchSelection.of(blocks, batch);
        assertArrayEquals(new int[] {4, 0}, selected(s, 0));
        assertArrayEquals(new int[0], selected(s, 1));
        assertArrayEquals(new int[] {0, 4}, selected(s, 2));
        assertArrayEquals(new int[] {1, 0}, selected(s, 3));
        assertSameAsLinearScan(blocks, batch);
    }

    @Test
    void overlappingBlocksAreLeftToTheirOwnScans() {
        assertNull(BatchSelection.of(List.of(block(0, 10), block(5, 10)), new int[] {1, 7}));
    }
}
