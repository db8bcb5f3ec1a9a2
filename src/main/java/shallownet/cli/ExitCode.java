package shallownet.cli;

import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.run.RetrainRun;
import shallownet.store.StoreLockedException;
import shallownet.train.DivergedException;

/**
 * The exit codes of every command, and the one place that maps a failure to its code. Lower
 * packages throw typed exceptions ({@link BadInputException}, {@link StoreLockedException},
 * {@link DivergedException}, {@link CommandFailure}) and know nothing of exit codes.
 */
public enum ExitCode {
    /** Success ({@code retrain}: the candidate was promoted). */
    OK(0),
    /** Any other failure. */
    FAILURE(1),
    /** Bad usage or bad input data, including outputs refused before any work. */
    BAD_INPUT(2),
    /** {@code retrain} trained a model that the quality gate did not promote. */
    NOT_PROMOTED(3),
    /** Another run holds the model store's lock, or this run lost it. */
    LOCK_HELD(4),
    /** Training diverged (the divergence guard stopped it). */
    DIVERGED(5),
    /**
     * {@code retrain}: the run had finished before and promoted its version, which is no longer the
     * champion (rolled back or replaced since); nothing was trained or promoted.
     */
    SUPERSEDED(6);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The number the process exits with. */
    public int code() {
        return code;
    }

    /** The exit code of a retrain's result ({@code failure}: a FAILED run's exception). */
    public static ExitCode of(RetrainRun.Result result, Throwable failure) {
        return switch (result) {
            case CHAMPION -> OK;
            case REJECTED -> NOT_PROMOTED;
            case SUPERSEDED -> SUPERSEDED;
            case DIVERGED -> DIVERGED;
            case FAILED -> of(failure);
        };
    }

    /** The exit code of a failure: the first typed failure in the cause chain decides. */
    public static ExitCode of(Throwable e) {
        if (Main.userErrorMessage(e) != null) {
            return BAD_INPUT;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreLockedException) {
                return LOCK_HELD;
            }
            if (t instanceof DivergedException) {
                return DIVERGED;
            }
        }
        return FAILURE;
    }
}
