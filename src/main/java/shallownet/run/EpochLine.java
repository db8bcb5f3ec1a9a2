package shallownet.run;

import shallownet.train.EpochMetrics;
import shallownet.train.TrainingConfig;

/** One readable log line per evaluated epoch. */
final class EpochLine {

    private EpochLine() {
    }

    static String format(EpochMetrics m, TrainingConfig c) {
        String what = m.epoch() == 0 ? "initial " : String.format("%s %3d/%d", c.fullBatch() ? "iteration" : "epoch",
                m.epoch(), c.epochs());
        String validation = m.hasValidation()
                ? String.format("   validation loss %.6f err %6.3f %%", m.validationLoss(), m.validationErrorPct()) : "";
        return String.format("%-14s train loss %.6f err %6.3f %%   test loss %.6f err %6.3f %%%s   %6.1f s",
                what, m.trainLoss(), m.trainErrorPct(), m.testLoss(), m.testErrorPct(), validation, m.epochSeconds());
    }
}
