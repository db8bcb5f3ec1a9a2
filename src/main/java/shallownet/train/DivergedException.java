package shallownet.train;

import shallownet.CommandFailure;

/** Training stopped by the {@link DivergenceGuard}: nothing saved or promoted. */
public final class DivergedException extends CommandFailure {

    private static final long serialVersionUID = 1L;

    public DivergedException(String message) {
        super(message);
    }

    public DivergedException(shallownet.SettingWords words) {
        super(words);
    }
}
