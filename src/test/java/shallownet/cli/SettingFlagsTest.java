package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import shallownet.BadInputException;
import shallownet.train.DivergedException;
import shallownet.train.DivergenceGuard;
import shallownet.train.MemoryEstimate;
import shallownet.train.TrainingListener.StepProgress;

/** The core names settings in its words; the command line's error line shows them as its flags. */
class SettingFlagsTest {

    @Test
    void coreFailuresNamingSettingsReachTheUserAsFlags() {
        DivergedException diverged = assertThrows(DivergedException.class,
                () -> new DivergenceGuard(2).onStep(new StepProgress(1, 1, 1, 3, 10, 1e6, 0, 0, 10)));
        assertEquals(true, diverged.getMessage().contains("; lower learningRate; "), diverged.getMessage());
        assertEquals(true, Main.errorLine(diverged, false).contains("; lower --lr; nothing was saved or promoted"),
                Main.errorLine(diverged, false));

        IllegalArgumentException factor = assertThrows(IllegalArgumentException.class, () -> DivergenceGuard.checkFactor(1));
        assertEquals("error: --max-loss-factor must be a number above 1, got 1.0", Main.errorLine(factor, false));

        BadInputException partitions = assertThrows(BadInputException.class, () -> MemoryEstimate.checkPartitions(0, 10));
        assertEquals("error: --partitions 0: must be at least 1", Main.errorLine(partitions, false));

        BadInputException memory = assertThrows(BadInputException.class, () -> MemoryEstimate.of(784, 100_000, 10,
                shallownet.train.TrainingConfig.seedRecipe(), 60_000)
                .check(new MemoryEstimate.Budget(1L << 30, 0, 2), "--hidden 100000"));
        assertEquals(true, Main.errorLine(memory, false).endsWith(" (--driver-memory)"), Main.errorLine(memory, false));
    }
}
