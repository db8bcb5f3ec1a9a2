package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import shallownet.InvalidSettingException;

/** The named recipes, and the core's words for a bad name and bad values. */
class PresetTest {

    @Test
    void seedIsTheNotebooksRecipeWithTheDefaultsOfTrainingConfig() {
        TrainingConfig c = Preset.SEED.recipe(TrainingConfig.DEFAULT_HIDDEN, TrainingConfig.DEFAULT_CLASSES,
                TrainingConfig.DEFAULT_SEED);
        TrainingConfig seed = TrainingConfig.seedRecipe();
        assertEquals(seed.batchSize(), c.batchSize());
        assertEquals(seed.learningRate(), c.learningRate());
        assertEquals(seed.epochs(), c.epochs());
        assertEquals(0, c.optimizer().momentum());
        assertEquals(LearningRateSchedule.CONSTANT, c.optimizer().schedule());
        assertEquals(TrainingConfig.DEFAULT_LR_DECAY, c.optimizer().decay(), "an unset decay is the default, not 1");
        TrainingConfig fast = Preset.FAST.recipe(64, 10, 1);
        assertEquals(250, fast.batchSize());
        assertEquals(LearningRateSchedule.COSINE, fast.optimizer().schedule());
        assertEquals(TrainingConfig.DEFAULT_LR_DECAY, fast.optimizer().decay());
    }

    @Test
    void namesParseInAnyCaseAndABadOneIsNamedInTheCoresWords() {
        assertEquals(Preset.FAST, Preset.parse(" Fast "));
        assertEquals("seed", Preset.SEED.toString());
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Preset.parse("quick"));
        assertEquals("preset must be seed or fast, got quick", e.getMessage());
        assertEquals("--preset must be seed or fast, got quick", e.message(s -> "--" + s));
    }

    @Test
    void recipeErrorsNameTheCoresSettingsNotFlags() {
        InvalidSettingException epochs = assertThrows(InvalidSettingException.class,
                () -> TrainingConfig.seedRecipe().withEpochs(-1));
        assertEquals("epochs must be >= 0, got -1", epochs.getMessage());
        InvalidSettingException nesterov = assertThrows(InvalidSettingException.class,
                () -> new TrainingConfig.Optimizer(0, true, LearningRateSchedule.CONSTANT, 0.9, 1, 0));
        assertEquals("nesterov needs a momentum above 0", nesterov.getMessage());
        assertEquals("--nesterov needs a --momentum above 0", nesterov.message(s -> "--" + s));
        assertFalse(assertThrows(InvalidSettingException.class, () -> new TrainingConfig(64, 100, 0, 5, 1, false, 1, 10))
                .getMessage().contains("--"));
    }
}
