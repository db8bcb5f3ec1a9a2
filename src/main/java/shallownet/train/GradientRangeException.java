package shallownet.train;

import shallownet.CommandFailure;
import shallownet.SettingWords;

/**
 * A step whose gradient cannot be represented: a partial that is not finite (float32 overflow in
 * the network) while the step's loss is, or one beyond the step's bound. Its own failure, naming
 * the value, the step and what to change; never reported as divergence, never NaN weights.
 */
public final class GradientRangeException extends CommandFailure {

    private static final long serialVersionUID = 1L;

    private final String detail;

    GradientRangeException(String detail) {
        super("the minibatch gradient cannot be represented (" + detail + ")");
        this.detail = detail;
    }

    GradientRangeException(SettingWords words, String detail) {
        super(words);
        this.detail = detail;
    }

    /** The value that did not fit, e.g. "gradient entry 17: NaN". */
    public String detail() {
        return detail;
    }
}
