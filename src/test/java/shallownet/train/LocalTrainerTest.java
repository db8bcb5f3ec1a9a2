package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import shallownet.data.SampleBlock;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.SyntheticDigits;

class LocalTrainerTest {

    private static final NetworkShape SHAPE = new NetworkShape(40, 16, 10);
    private final SampleBlock train = SyntheticDigits.block(0, 1000, 40, 10, 1);
    private final SampleBlock test = SyntheticDigits.block(0, 300, 40, 10, 2);

    @Test
    void minibatchSgdLearnsAndReportsEveryEpoch() {
        TrainingConfig config = new TrainingConfig(16, 50, 0.2, 4, 3, false, 1, 10);
        List<EpochMetrics> seen = new ArrayList<>();
        Trainer.Result r = new Trainer(config, SHAPE, new LocalBackend(SHAPE, train, test), seen::add)
                .train(WeightInit.initShallow(SHAPE, 3));
        assertEquals(List.of(0, 1, 2, 3, 4), r.history().stream().map(EpochMetrics::epoch).toList());
        assertEquals(r.history(), seen);
        assertTrue(r.history().get(0).trainErrorPct() > 60, "untrained: near chance");
        assertTrue(r.last().trainErrorPct() < 5, "trained: " + r.last());
        assertTrue(r.last().testErrorPct() < 5, "trained: " + r.last());
        assertTrue(r.last().trainLoss() < r.history().get(0).trainLoss() / 4);
        assertEquals(4 * 20, r.steps().steps(), "1000 samples / B=50 = 20 steps per epoch");
    }

    @Test
    void oneStepIsTheNotebooksUpdate() {
        // W <- W - (gamma / B) * sum of per-sample gradients, for the samples perm[0, B).
        TrainingConfig config = new TrainingConfig(16, 1000, 0.5, 1, 8, false, 0, 10);
        float[] initial = WeightInit.initShallow(SHAPE, 8);
        float[] untouched = initial.clone();
        Trainer.Result r = new Trainer(config, SHAPE, new LocalBackend(SHAPE, train, test), m -> { })
                .train(initial);
        float[] grad = new LocalBackend(SHAPE, train, test).gradientSum(initial,
                MinibatchOrder.permutation(8, 1, 1000), "").gradient();
        float[] expected = initial.clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] -= (float) (0.5 / 1000) * grad[i];
        }
        assertArrayEquals(expected, r.params());
        assertArrayEquals(untouched, initial, "the initial weights are not modified in place");
    }

    @Test
    void fullBatchDescends() {
        TrainingConfig config = new TrainingConfig(16, 100, 0.5, 10, 3, true, 1, 10);
        Trainer.Result r = new Trainer(config, SHAPE, new LocalBackend(SHAPE, train, test), m -> { })
                .train(WeightInit.initShallow(SHAPE, 3));
        assertEquals(11, r.history().size());
        assertEquals(10, r.steps().steps(), "one step per iteration");
        assertTrue(r.last().trainLoss() < r.history().get(0).trainLoss());
    }

    @Test
    void evalEveryEvaluatesSomeEpochsAndAlwaysTheLast() {
        TrainingConfig config = new TrainingConfig(16, 100, 0.05, 5, 3, false, 2, 10);
        Trainer.Result r = new Trainer(config, SHAPE, new LocalBackend(SHAPE, train, test), m -> { })
                .train(WeightInit.initShallow(SHAPE, 3));
        assertEquals(List.of(0, 2, 4, 5), r.history().stream().map(EpochMetrics::epoch).toList());
    }

    @Test
    void theListenerSeesEveryStepWithItsMinibatchLoss() {
        TrainingConfig config = new TrainingConfig(16, 300, 0.2, 2, 4, false, 1, 10);
        float[] initial = WeightInit.initShallow(SHAPE, 4);
        List<TrainingListener.StepProgress> steps = new ArrayList<>();
        List<EpochMetrics> epochs = new ArrayList<>();
        new Trainer(config, SHAPE, new LocalBackend(SHAPE, train, test), new TrainingListener() {
            @Override
            public void onStep(StepProgress step) {
                steps.add(step);
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                epochs.add(metrics);
            }
        }).train(initial);
        // 1000 samples, B=300: steps of 300, 300, 300 and 100 in each of the 2 epochs.
        assertEquals(8, steps.size());
        assertEquals(3, epochs.size());
        assertEquals(List.of(1, 2, 3, 4, 1, 2, 3, 4), steps.stream().map(TrainingListener.StepProgress::step).toList());
        assertEquals(List.of(300L, 300L, 300L, 100L), steps.subList(0, 4).stream()
                .map(TrainingListener.StepProgress::samples).toList());
        assertTrue(steps.stream().allMatch(s -> s.stepsPerEpoch() == 4 && s.epochs() == 2));
        // The first step's loss is the initial network's loss on that minibatch.
        int[] first = java.util.Arrays.copyOf(MinibatchOrder.permutation(4, 1, 1000), 300);
        java.util.Arrays.sort(first);
        shallownet.net.EvalSums expected = new shallownet.net.EvalSums(10);
        shallownet.net.NetworkKernel.forThread(SHAPE).evaluate(initial, train.pixels(), train.labels(), first, 0, 300,
                expected);
        assertEquals(expected.loss(), steps.get(0).loss(), 1e-6);
        assertEquals(expected.errorPercent(), steps.get(0).errorPercent(), 1e-9);
        assertTrue(steps.get(7).loss() < steps.get(0).loss(), "the minibatch loss falls as it learns");
    }
}
