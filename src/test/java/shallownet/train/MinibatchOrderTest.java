package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MinibatchOrderTest {

    @Test
    void isAPermutationReproducibleFromSeedAndEpoch() {
        int[] p = MinibatchOrder.permutation(1, 1, 60000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertArrayEquals(p, MinibatchOrder.permutation(1, 1, 60000));
        assertFalse(Arrays.equals(p, MinibatchOrder.permutation(1, 2, 60000)), "reshuffled every epoch");
        assertFalse(Arrays.equals(p, MinibatchOrder.permutation(2, 1, 60000)), "depends on the seed");
    }

    @Test
    void stepsCoverEverySampleOnceWithAShortLastBatch() {
        assertEquals(600, MinibatchOrder.steps(60000, 100));
        assertEquals(601, MinibatchOrder.steps(60001, 100));
        assertEquals(1, MinibatchOrder.steps(5, 100));
    }
}
