package shallownet.train;

import shallownet.InvalidSettingException;
import shallownet.SettingWords;

/**
 * Stops a run that diverges, before anything is saved: a step whose minibatch loss is NaN or
 * infinite, an evaluation with a non-finite loss, or a minibatch loss above {@code factor} times
 * the larger of the run's initial training loss and the loss of uniform guessing ({@code ln(k)/k}
 * in the notebook's units), so that a warm start from a very good model does not make an
 * ordinary noisy minibatch look like divergence.
 */
public final class DivergenceGuard implements TrainingListener {

    private final double factor;
    private double reference = Double.NaN;
    private boolean testSet = true;

    public DivergenceGuard(double factor) {
        checkFactor(factor);
        this.factor = factor;
    }

    public static void checkFactor(double factor) {
        if (!(factor > 1) || Double.isInfinite(factor)) {
            throw new InvalidSettingException("{} must be a number above 1, got " + factor, "maxLossFactor");
        }
    }

    /** For a run without a test set (Spark ML's fit): its test loss is NaN by construction, not divergence. */
    public DivergenceGuard withoutTestSet() {
        this.testSet = false;
        return this;
    }

    /** The run's initial training loss, when it resumes and so does not evaluate epoch 0 again. */
    public void initialLoss(double loss) {
        this.reference = loss;
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        if (m.epoch() == 0) {
            reference = m.trainLoss();
        }
        if (!Double.isFinite(m.trainLoss()) || testSet && !Double.isFinite(m.testLoss())) {
            throw new DivergedException(String.format("training diverged: %s loss is %s (train) and %s (test); "
                    + "nothing was saved or promoted", m.epoch() == 0 ? "the initial" : "epoch " + m.epoch() + "'s",
                    m.trainLoss(), m.testLoss()));
        }
    }

    @Override
    public void onStep(StepProgress s) {
        double loss = s.loss();
        double chance = Math.log(s.classes()) / s.classes();
        double limit = factor * Math.max(Double.isNaN(reference) ? chance : reference, chance);
        if (!Double.isFinite(loss) || loss > limit) {
            throw new DivergedException(SettingWords.of(String.format("training diverged at epoch %d step %d/%d: "
                    + "minibatch loss %s (limit %.4f = %.1f x max(initial %.4f, chance %.4f)); lower ", s.epoch(),
                    s.step(), s.stepsPerEpoch(), loss, limit, factor, reference, chance), SettingWords.setting("learningRate"),
                    "; nothing was saved or promoted"));
        }
    }
}
