package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.store.StoreLockedException;
import shallownet.train.DivergedException;

/** The one mapping of the lower packages' failures to exit codes and CLI words. */
class ExitCodeTest {

    @Test
    void typedFailuresMapToTheirCodesAlsoWhenWrapped() {
        assertEquals(ExitCode.BAD_INPUT, ExitCode.of(BadInputException.about("f.idx", "truncated")));
        assertEquals(ExitCode.BAD_INPUT, ExitCode.of(new IllegalArgumentException("bad option value")));
        assertEquals(ExitCode.LOCK_HELD, ExitCode.of(new StoreLockedException("s/LOCK: locked by run r", true)));
        assertEquals(ExitCode.LOCK_HELD, ExitCode.of(new CommandFailure("report failed",
                new StoreLockedException(false, "s/LOCK: this run lost the store's lock"))));
        assertEquals(ExitCode.DIVERGED, ExitCode.of(new RuntimeException("job aborted", new DivergedException("diverged"))));
        assertEquals(ExitCode.FAILURE, ExitCode.of(new CommandFailure("could not write m: disk full")));
        assertEquals(ExitCode.FAILURE, ExitCode.of(new IllegalStateException("boom")));
        assertEquals(5, ExitCode.DIVERGED.code());
        assertEquals(4, ExitCode.LOCK_HELD.code());
        assertEquals(3, ExitCode.NOT_PROMOTED.code());
    }

    @Test
    void aHeldLockGetsTheCommandLinesHintALostOneDoesNot() {
        assertEquals("error: s/LOCK: the store is locked by run r; retry later, pass --lock-wait, or let the lock "
                + "expire (--lock-timeout)", Main.errorLine(new StoreLockedException("s/LOCK: the store is locked by run r",
                true), false));
        assertEquals("error: s/LOCK: this run lost the store's lock; nothing was promoted", Main.errorLine(
                new StoreLockedException(false, "s/LOCK: this run lost the store's lock; nothing was promoted"), false));
    }
}
