package shallownet.store;

import shallownet.CommandFailure;

/**
 * The store's lock is held by another run ({@link #held()}: waiting longer or letting the lock
 * expire would help), or this run lost it: the store was left alone, nothing was promoted.
 */
public final class StoreLockedException extends CommandFailure {

    private static final long serialVersionUID = 1L;

    private final boolean held;

    public StoreLockedException(String message, boolean held) {
        super(message);
        this.held = held;
    }

    public StoreLockedException(boolean held, String message) {
        this(message, held);
    }

    /** Whether {@code e} or one of its causes is a lost or held lock. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreLockedException) {
                return true;
            }
        }
        return false;
    }

    /** True when another run holds the lock now (not: this run lost it). */
    public boolean held() {
        return held;
    }
}
