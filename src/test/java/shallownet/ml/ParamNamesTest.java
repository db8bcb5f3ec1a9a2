package shallownet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The estimator renders the core's setting names as its params (the core's name unless
 * {@link ShallowNetClassifier#PARAM_NAMES} says otherwise) and its memory settings as Spark's keys.
 */
class ParamNamesTest {

    @Test
    void theRecipesSettingsTheEstimatorSetsAreItsParams() {
        ShallowNetClassifier c = new ShallowNetClassifier();
        // The core's names of what trainingConfig takes from the params (TrainingConfig's checks).
        for (String core : List.of("hidden", "batchSize", "learningRate", "epochs", "momentum", "nesterov", "decay",
                "stepEpochs", "weightDecay", "schedule", "maxLossFactor")) {
            String param = ShallowNetClassifier.PARAM_NAMES.getOrDefault(core, core);
            assertTrue(c.hasParam(param), core + " -> " + param + ": no such param");
        }
        ShallowNetClassifier.PARAM_NAMES.forEach((core, param) -> assertTrue(!c.hasParam(core), core + " is a param itself"));
    }

    @Test
    void memorySettingsAreSparksKeys() {
        assertEquals("spark.driver.memory", ShallowNetClassifier.sparkKey("driverMemory"));
        assertEquals("spark.executor.memory", ShallowNetClassifier.sparkKey("executorMemory"));
    }
}
