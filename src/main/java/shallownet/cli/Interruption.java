package shallownet.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * SIGTERM or Ctrl-C: one line ({@code interrupted: ...}) instead of what the shutdown otherwise
 * prints: Spark's shutdown hook stops the context under the running job, whose failure then
 * carries the call sites of the stopped context (~55 lines), and Scala's executors print traces of
 * rejected futures. Two hooks in Hadoop's {@link ShutdownHookManager}, which also runs Spark's
 * (priority 40) and closes the file systems (10):
 * <ul>
 * <li>first (priority {@value #FIRST}): note the interruption and silence stderr and logging, keeping
 *     the real stderr for the one line;</li>
 * <li>after Spark stopped (priority {@value #LAST}, file systems still open): wait a few seconds for
 *     the command to finish its failure (retrain records it in the store's history), then print the
 *     line if the command has not.</li>
 * </ul>
 * Installed by {@link Main#main} only: a test JVM calling {@link Main#run} keeps its own shutdown.
 */
final class Interruption {

    static final int FIRST = 1000;
    static final int LAST = 20;
    private static final long WAIT_SECONDS = 10;

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean REQUESTED = new AtomicBoolean();
    private static final AtomicBoolean PRINTED = new AtomicBoolean();
    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static volatile PrintStream realErr;
    private static volatile String outcome = "nothing was written";

    private Interruption() {
    }

    static void install() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        ShutdownHookManager.get().addShutdownHook(() -> {
            if (FINISHED.getCount() == 0) {
                return; // a normal exit, not an interruption
            }
            REQUESTED.set(true);
            realErr = System.err;
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            try {
                Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
            } catch (RuntimeException | LinkageError e) {
                // another logging backend: its lines may show, the one line still comes
            }
        }, FIRST);
        ShutdownHookManager.get().addShutdownHook(() -> {
            if (!REQUESTED.get()) {
                return;
            }
            try {
                FINISHED.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            print();
        }, LAST, WAIT_SECONDS + 5, TimeUnit.SECONDS);
    }

    /** Whether the JVM is shutting down on a signal: the command's failure is a consequence, not news. */
    static boolean requested() {
        return REQUESTED.get();
    }

    /** What the one line says the run left, e.g. "the model was written to m1"; set as a command progresses. */
    static void outcome(String whatWasLeft) {
        outcome = whatWasLeft;
    }

    /** The one line, printed once, whoever comes first (the command's handler or the last hook). */
    static String print() {
        String line = "interrupted: " + outcome;
        if (PRINTED.compareAndSet(false, true)) {
            PrintStream err = realErr != null ? realErr : System.err;
            err.println(line);
            err.flush();
        }
        return line;
    }

    /**
     * The command has returned ({@code exitCode}) or failed: nothing more to wait for. One that
     * completed while the signal was being handled says so, rather than "nothing was written".
     */
    static void finished(int exitCode) {
        if (REQUESTED.get() && !PRINTED.get()) {
            outcome = "after the command had finished (exit code " + exitCode + ")";
        }
        FINISHED.countDown();
    }
}
