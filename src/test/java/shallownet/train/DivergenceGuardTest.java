package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The guard's limit (factor x the larger of the initial loss and chance, ln(k)/k), the step and
 * epoch it names when it stops a run, and non-finite losses; ten classes, so chance is 0.2303.
 */
class DivergenceGuardTest {

    private static final double CHANCE = Math.log(10) / 10;

    /** Step {@code step} of 50 in {@code epoch}: 100 samples of 10 classes whose minibatch loss is {@code loss}. */
    private static TrainingListener.StepProgress step(int epoch, int step, double loss) {
        return new TrainingListener.StepProgress(epoch, 3, step, 50, 100, loss * 10 * 100, 7, 1_000_000, 10);
    }

    private static EpochMetrics epoch(int epoch, double trainLoss, double testLoss) {
        return new EpochMetrics(epoch, trainLoss, 50, testLoss, 50, 1, 1, Double.NaN, Double.NaN);
    }

    @Test
    void theStepLossIsTheNotebooksMeanOverClassesAndSamples() {
        assertEquals(0.75, step(1, 1, 0.75).loss(), 1e-12);
    }

    @Test
    void aStepAboveFactorTimesTheInitialLossStopsTheRunNamingTheStepAndTheLimit() {
        DivergenceGuard guard = new DivergenceGuard(4);
        guard.onEpoch(epoch(0, 0.5, 0.5));
        assertDoesNotThrow(() -> guard.onStep(step(1, 1, 1.99)));
        TrainingListener.StepProgress high = step(2, 17, 2.01);
        DivergedException e = assertThrows(DivergedException.class, () -> guard.onStep(high));
        assertTrue(e.getMessage().startsWith("training diverged at epoch 2 step 17/50: minibatch loss " + high.loss()
                + " "), e.getMessage());
        assertTrue(e.getMessage().contains("(limit 2.0000 = 4.0 x max(initial 0.5000, chance 0.2303))"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("nothing was saved or promoted"), e.getMessage());
    }

    @Test
    void aWarmStartFromAVeryGoodModelIsMeasuredAgainstChanceNotItsTinyInitialLoss() {
        DivergenceGuard guard = new DivergenceGuard(4);
        guard.onEpoch(epoch(0, 0.01, 0.02));
        // 0.5 is 50 x the initial loss, but below 4 x chance (0.92): an ordinary noisy minibatch.
        assertDoesNotThrow(() -> guard.onStep(step(1, 1, 0.5)));
        assertThrows(DivergedException.class, () -> guard.onStep(step(1, 2, 4 * CHANCE + 1e-3)));
    }

    @Test
    void withoutAnInitialEvaluationTheLimitIsFactorTimesChance() {
        DivergenceGuard guard = new DivergenceGuard(2);
        assertDoesNotThrow(() -> guard.onStep(step(1, 1, 2 * CHANCE - 1e-3)));
        assertThrows(DivergedException.class, () -> guard.onStep(step(1, 2, 2 * CHANCE + 1e-3)));
    }

    @Test
    void aResumedRunUsesTheInitialLossItIsGiven() {
        DivergenceGuard guard = new DivergenceGuard(3);
        guard.initialLoss(1.0);
        assertDoesNotThrow(() -> guard.onStep(step(4, 1, 2.9)));
        DivergedException e = assertThrows(DivergedException.class, () -> guard.onStep(step(4, 2, 3.1)));
        assertTrue(e.getMessage().contains("max(initial 1.0000, chance 0.2303)"), e.getMessage());
    }

    @Test
    void aNonFiniteStepLossStopsTheRunWhateverTheLimit() {
        DivergenceGuard guard = new DivergenceGuard(1e9);
        guard.onEpoch(epoch(0, 2.3, 2.3));
        DivergedException nan = assertThrows(DivergedException.class, () -> guard.onStep(step(1, 3, Double.NaN)));
        assertTrue(nan.getMessage().contains("epoch 1 step 3/50: minibatch loss NaN"), nan.getMessage());
        DivergedException inf = assertThrows(DivergedException.class,
                () -> guard.onStep(step(1, 4, Double.POSITIVE_INFINITY)));
        assertTrue(inf.getMessage().contains("minibatch loss Infinity"), inf.getMessage());
    }

    @Test
    void aNonFiniteEvaluationNamesTheEpochAndBothLosses() {
        DivergenceGuard guard = new DivergenceGuard(4);
        guard.onEpoch(epoch(0, 0.5, 0.5));
        DivergedException e = assertThrows(DivergedException.class, () -> guard.onEpoch(epoch(3, 0.4, Double.NaN)));
        assertEquals("training diverged: epoch 3's loss is 0.4 (train) and NaN (test); nothing was saved or promoted",
                e.getMessage());
        DivergedException initial = assertThrows(DivergedException.class,
                () -> new DivergenceGuard(4).onEpoch(epoch(0, Double.POSITIVE_INFINITY, 0.3)));
        assertTrue(initial.getMessage().startsWith("training diverged: the initial loss is Infinity (train)"),
                initial.getMessage());
    }

    @Test
    void aFactorOfOneOrLessOrNotANumberIsRefused() {
        for (double bad : new double[] {1.0, 0.5, -2, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DivergenceGuard(bad));
            assertTrue(e.getMessage().contains("a number above 1, got " + bad), e.getMessage());
        }
        assertDoesNotThrow(() -> new DivergenceGuard(1.0001));
    }
}
