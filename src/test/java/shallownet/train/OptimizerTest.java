package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import shallownet.data.SampleBlock;
import shallownet.net.EvalSums;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.SyntheticDigits;

/** Momentum, schedules, weight decay, the validation split and early stopping. */
class OptimizerTest {

    private static final NetworkShape SHAPE = new NetworkShape(2, 1, 2); // W1 2, b1 1, W2 2, b2 2

    @Test
    void classicalMomentumAccumulatesVelocity() {
        SgdUpdate u = new SgdUpdate(new TrainingConfig.Optimizer(0.5, false, LearningRateSchedule.CONSTANT, 1, 1, 0), SHAPE);
        float[] p = new float[7];
        float[] g = {2, 2, 2, 2, 2, 2, 2}; // sum over 2 samples: mean gradient 1
        u.apply(p, g, 2, 0.1); // v = 1, p = -0.1
        u.apply(p, g, 2, 0.1); // v = 0.5 + 1 = 1.5, p = -0.25
        assertEquals(-0.25f, p[0], 1e-7);
        assertEquals(1.5f, u.velocity()[0], 1e-7);
    }

    @Test
    void nesterovLooksAhead() {
        SgdUpdate u = new SgdUpdate(new TrainingConfig.Optimizer(0.5, true, LearningRateSchedule.CONSTANT, 1, 1, 0), SHAPE);
        float[] p = new float[7];
        float[] g = {1, 1, 1, 1, 1, 1, 1};
        u.apply(p, g, 1, 0.1); // v = 1, step = 0.1 * (1 + 0.5) = 0.15
        assertEquals(-0.15f, p[3], 1e-7);
        u.apply(p, g, 1, 0.1); // v = 1.5, step = 0.1 * (1 + 0.75) = 0.175
        assertEquals(-0.325f, p[3], 1e-7);
    }

    @Test
    void weightDecayShrinksWeightsNotBiases() {
        SgdUpdate u = new SgdUpdate(new TrainingConfig.Optimizer(0, false, LearningRateSchedule.CONSTANT, 1, 1, 0.5), SHAPE);
        float[] p = {1, 1, 1, 1, 1, 1, 1};
        u.apply(p, new float[7], 1, 0.1); // zero gradient: only the decay acts
        // layout: W1[0..2), b1[2], W2[3..5), b2[5..7)
        assertArrayEquals(new float[] {0.95f, 0.95f, 1, 0.95f, 0.95f, 1, 1}, p, 1e-7f);
        assertNull(u.velocity());
    }

    @Test
    void plainSgdIsTheNotebooksUpdate() {
        SgdUpdate u = new SgdUpdate(TrainingConfig.Optimizer.PLAIN_SGD, SHAPE);
        float[] p = {1, 2, 3, 4, 5, 6, 7};
        u.apply(p, new float[] {10, 10, 10, 10, 10, 10, 10}, 100, 0.05);
        float scale = (float) (0.05 / 100);
        assertEquals(1 - scale * 10, p[0]);
        assertEquals(7 - scale * 10, p[6]);
    }

    @Test
    void schedules() {
        assertEquals(1, LearningRateSchedule.CONSTANT.factor(7, 10, 0.5, 1));
        assertEquals(0.25, LearningRateSchedule.STEP.factor(5, 10, 0.5, 2), 1e-12); // epochs 1-2: 1, 3-4: .5, 5-6: .25
        assertEquals(0.125, LearningRateSchedule.EXPONENTIAL.factor(4, 10, 0.5, 1), 1e-12);
        assertEquals(1, LearningRateSchedule.COSINE.factor(1, 10, 1, 1), 1e-12);
        assertEquals(0.5, LearningRateSchedule.COSINE.factor(6, 10, 1, 1), 1e-12);
        assertTrue(LearningRateSchedule.COSINE.factor(10, 10, 1, 1) < 0.03);
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingConfig.Optimizer(1.0, false, LearningRateSchedule.CONSTANT, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TrainingConfig.Optimizer(0, true, LearningRateSchedule.CONSTANT, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.seedRecipe().withValidation(0, 3));
        assertThrows(IllegalArgumentException.class, () -> TrainingConfig.seedRecipe().withValidation(1.0, 0));
    }

    @Test
    void validationSplitIsDisjointSeededAndExcludedFromTheMinibatches() {
        ValidationSplit s = ValidationSplit.of(1000, 0.1, 7);
        assertEquals(100, s.validation().length);
        assertEquals(900, s.train().length);
        int[] all = new int[1000];
        for (int i : s.train()) {
            all[i]++;
        }
        for (int i : s.validation()) {
            all[i]++;
        }
        assertTrue(Arrays.stream(all).allMatch(c -> c == 1));
        assertArrayEquals(s.validation(), ValidationSplit.of(1000, 0.1, 7).validation());
        int[] order = s.order(7, 3);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(s.train(), sorted, "an epoch visits every training index once, no validation index");
        assertNull(ValidationSplit.of(1000, 0, 7).validation());
        assertArrayEquals(MinibatchOrder.permutation(7, 3, 1000), ValidationSplit.of(1000, 0, 7).order(7, 3),
                "without a split the order is the notebook's permutation");
    }

    @Test
    void evaluateSplitSeparatesHeldOutSamples() {
        NetworkShape shape = new NetworkShape(40, 8, 10);
        SampleBlock block = SyntheticDigits.block(100, 50, 40, 10, 3);
        float[] p = WeightInit.initShallow(shape, 1);
        int[] heldOut = {5, 99, 100, 117, 149, 150, 400};
        EvalSums rest = new EvalSums(10);
        EvalSums held = new EvalSums(10);
        block.evaluateSplit(new NetworkKernel(shape), p, heldOut, rest, held);
        assertEquals(3, held.count(), "100, 117 and 149 are in the block");
        assertEquals(47, rest.count());
        EvalSums all = new EvalSums(10);
        block.evaluate(new NetworkKernel(shape), p, all);
        assertEquals(all.loss() * 50, rest.loss() * 47 + held.loss() * 3, 1e-9);
    }

    @Test
    void earlyStoppingKeepsTheBestWeightsAndStops() {
        NetworkShape shape = new NetworkShape(40, 16, 10);
        SampleBlock train = SyntheticDigits.block(0, 600, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        // A learning rate this high makes the validation loss bounce: patience 1 stops early.
        TrainingConfig c = new TrainingConfig(16, 20, 3.0, 30, 4, false, 1, 10).withValidation(0.2, 1);
        Trainer.Result r = new Trainer(c, shape, new LocalBackend(shape, train, test), m -> { })
                .train(WeightInit.initShallow(shape, 4));
        assertTrue(r.stoppedEarly(), "stopped before 30 epochs: " + r.history().size());
        EpochMetrics best = r.returned();
        assertEquals(r.bestEpoch(), best.epoch());
        for (EpochMetrics m : r.history()) {
            assertTrue(best.validationLoss() <= m.validationLoss(), "best is the lowest validation loss");
        }
        EvalSums check = new EvalSums(10);
        test.evaluate(new NetworkKernel(shape), r.params(), check);
        assertEquals(best.testLoss(), check.loss(), 1e-12, "the returned weights are the best epoch's");
        assertFalse(r.history().stream().anyMatch(m -> !m.hasValidation()));
    }

    @Test
    void momentumTrainsFasterThanPlainSgdOnTheSameSteps() {
        NetworkShape shape = new NetworkShape(40, 16, 10);
        SampleBlock train = SyntheticDigits.block(0, 600, 40, 10, 1);
        SampleBlock test = SyntheticDigits.block(0, 200, 40, 10, 2);
        TrainingConfig plain = new TrainingConfig(16, 50, 0.02, 2, 4, false, 1, 10);
        TrainingConfig nesterov = plain.withOptimizer(new TrainingConfig.Optimizer(0.9, true, LearningRateSchedule.CONSTANT, 1, 1, 0));
        double a = new Trainer(plain, shape, new LocalBackend(shape, train, test), m -> { })
                .train(WeightInit.initShallow(shape, 4)).last().trainLoss();
        double b = new Trainer(nesterov, shape, new LocalBackend(shape, train, test), m -> { })
                .train(WeightInit.initShallow(shape, 4)).last().trainLoss();
        assertTrue(b < a, "nesterov " + b + " vs plain " + a);
    }
}
