package shallownet.train;

import shallownet.CommandFailure;

/** Training stopped by the {@link DivergenceGuard}: exit code 5, nothing saved or promoted. */
public final class DivergedException extends CommandFailure {

    private static final long serialVersionUID = 1L;

    public static final int EXIT_CODE = 5;

    public DivergedException(String message) {
        super(EXIT_CODE, message);
    }
}
