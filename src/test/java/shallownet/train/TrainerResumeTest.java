package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import shallownet.data.SampleBlock;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.SyntheticDigits;

/**
 * Resuming from any checkpoint gives the bits of the uninterrupted run: with momentum (the
 * velocity is state), with early stopping (its best weights and counters are state), and from
 * checkpoints inside an epoch and at its end.
 */
class TrainerResumeTest {

    private static final NetworkShape SHAPE = new NetworkShape(40, 16, 10);
    private final SampleBlock train = SyntheticDigits.block(0, 1000, 40, 10, 1);
    private final SampleBlock test = SyntheticDigits.block(0, 300, 40, 10, 2);

    private Trainer trainer(TrainingConfig c) {
        return new Trainer(c, SHAPE, new LocalBackend(SHAPE, train, test), m -> { });
    }

    /** 1000 samples (900 with the validation split), B=100: 9 steps per epoch; every 4 steps hits epoch ends too. */
    static TrainingConfig recipe() {
        return new TrainingConfig(16, 100, 0.1, 6, 5, false, 1, 10)
                .withOptimizer(new TrainingConfig.Optimizer(0.9, true, LearningRateSchedule.COSINE, 1, 1, 0.0001))
                .withValidation(0.1, 2);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 7})
    void resumingFromAnyCheckpointGivesTheUninterruptedBits(int every) {
        float[] initial = WeightInit.initShallow(SHAPE, 5);
        List<TrainingState> states = new ArrayList<>();
        Trainer.Result whole = trainer(recipe()).checkpointEvery(every, states::add).train(initial);
        Trainer.Result plain = trainer(recipe()).train(initial);
        assertArrayEquals(plain.params(), whole.params(), "checkpointing does not change the run");
        assertTrue(states.size() >= 5, "checkpoints: " + states.size());
        for (TrainingState s : states) {
            Trainer.Result resumed = trainer(recipe()).resume(s);
            assertArrayEquals(whole.params(), resumed.params(), "resumed after step " + s.stepsDone());
            assertEquals(whole.history().stream().map(EpochMetrics::testLoss).toList(),
                    resumed.history().stream().map(EpochMetrics::testLoss).toList());
            assertEquals(whole.bestEpoch(), resumed.bestEpoch());
        }
    }

    @Test
    void statesAreBetweenStepsWithEvaluationsDone() {
        List<TrainingState> states = new ArrayList<>();
        trainer(recipe()).checkpointEvery(9, states::add).train(WeightInit.initShallow(SHAPE, 5));
        // 9 steps per epoch: every checkpoint falls on an epoch's end and is taken after its evaluation.
        for (TrainingState s : states) {
            assertEquals(0, s.nextStep());
            assertEquals(s.stepsDone() / 9 + 1, s.epoch());
            assertEquals(s.epoch(), s.history().size(), "epoch 0 and each finished epoch");
            assertTrue(s.velocity() != null && s.bestParams() != null);
        }
    }

    @Test
    void aVelocityThatDoesNotFitIsRefused() {
        List<TrainingState> states = new ArrayList<>();
        trainer(recipe()).checkpointEvery(5, states::add).train(WeightInit.initShallow(SHAPE, 5));
        TrainingState s = states.get(0);
        TrainingState noVelocity = new TrainingState(s.epoch(), s.nextStep(), s.stepsDone(), s.params(), null,
                s.bestLoss(), s.bestEpoch(), s.bestParams(), s.sinceBest(), s.history(), s.elapsedSeconds(), s.trainSeconds());
        assertThrows(IllegalArgumentException.class, () -> trainer(recipe()).resume(noVelocity));
    }
}
