package shallownet.run;

import java.util.Locale;
import shallownet.InvalidSettingException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress within an epoch for people watching: steps done of the epoch's total, steps per
 * second over the last {@value #RATE_WINDOW} steps, time left in the epoch at that rate, and the running loss (the mean minibatch loss of the epoch so
 * far, in the notebook's eval_loss units). At a terminal ({@link Mode#LINE}) one line rewritten in
 * place with {@code \r}; elsewhere ({@link Mode#LOG}, e.g. cluster logs) a plain log line at most
 * every {@code logInterval}, so that logs stay short. The clock is a parameter so tests can drive it.
 */
public final class ProgressLine {

    public enum Mode {
        /** An updating line: for a terminal. */
        LINE,
        /** Plain log lines, spaced out in time: for files and cluster logs. */
        LOG,
        /** Nothing (--quiet). */
        OFF;

        /** {@code --progress auto|line|log|off}; auto: a line at a terminal, log lines otherwise; --quiet: off. */
        public static Mode choose(String option, boolean quiet, boolean terminal) {
            Mode chosen = switch (option.toLowerCase(Locale.ROOT)) {
                case "auto" -> terminal ? LINE : LOG;
                case "line" -> LINE;
                case "log" -> LOG;
                case "off" -> OFF;
                default -> throw new InvalidSettingException("{} must be auto, line, log or off, got " + option, "progress");
            };
            return quiet ? OFF : chosen;
        }
    }

    /** Redraws of the terminal line at most this often: drawing every 30 ms step would only flicker. */
    static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR = 20;
    /**
     * Steps per second are measured over the last this many steps (2-3 s here), so that the slow
     * steps of JIT warm-up soon stop weighing on the rate and the ETA, and a change of pace shows.
     */
    static final int RATE_WINDOW = 100;

    private final Mode mode;
    private final String unit;
    private final int epochs;
    private final int classes;
    private final LongSupplier clock;
    private final Consumer<String> terminal;
    private final Consumer<String> log;
    private final long logIntervalNanos;

    private int epoch = -1;
    private int firstStep;
    /** Ring of the last RATE_WINDOW + 1 steps of the epoch: when each ended, and its number. */
    private final long[] endedAt = new long[RATE_WINDOW + 1];
    private final int[] stepOf = new int[RATE_WINDOW + 1];
    private int recorded;
    private double lossSum;
    private long samples;
    private long lastDrawAt;
    private long lastLogAt;
    private int drawnWidth;

    /**
     * @param terminal receives raw text for the terminal (with {@code \r}, no newline)
     * @param log      receives whole lines for the log
     */
    public ProgressLine(Mode mode, String unit, int epochs, int classes, LongSupplier clock, Consumer<String> terminal,
                 Consumer<String> log, long logIntervalNanos) {
        this.mode = mode;
        this.unit = unit;
        this.epochs = epochs;
        this.classes = classes;
        this.clock = clock;
        this.terminal = terminal;
        this.log = log;
        this.logIntervalNanos = logIntervalNanos;
    }

    /**
     * A step has finished: {@code step} (1-based) of {@code steps} in {@code epoch}, whose minibatch
     * had {@code batchSamples} samples with a summed {@code -log y[label]} of {@code batchLossSum}.
     */
    public void step(int epoch, int step, int steps, double batchLossSum, long batchSamples) {
        if (mode == Mode.OFF) {
            return;
        }
        long now = clock.getAsLong();
        if (epoch != this.epoch) {
            // The rate counts from the end of the epoch's first step seen, so that the time spent
            // evaluating between epochs (and the first step's warm-up) does not count as steps.
            this.epoch = epoch;
            firstStep = step;
            recorded = 0;
            lossSum = 0;
            samples = 0;
            lastLogAt = now;
        }
        lossSum += batchLossSum;
        samples += batchSamples;
        endedAt[recorded % endedAt.length] = now;
        stepOf[recorded % endedAt.length] = step;
        recorded++;
        boolean last = step == steps;
        if (mode == Mode.LINE) {
            if (last || step == firstStep || now - lastDrawAt >= REDRAW_NANOS) {
                String text = text(step, steps, now, true);
                String pad = " ".repeat(Math.max(0, drawnWidth - text.length()));
                terminal.accept("\r" + text + pad);
                drawnWidth = text.length();
                lastDrawAt = now;
            }
        } else if (!last && now - lastLogAt >= logIntervalNanos) {
            // The epoch's own log line reports its end.
            log.accept(text(step, steps, now, false));
            lastLogAt = now;
        }
    }

    /** Erases the terminal line, so that a log line can follow on a clean line. */
    public void clear() {
        if (mode == Mode.LINE && drawnWidth > 0) {
            terminal.accept("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
        }
    }

    /** Steps per second over the window (since the epoch's first step if fewer), or NaN before a second step. */
    private double rate(int step, long now) {
        int oldest = recorded > endedAt.length ? recorded % endedAt.length : 0;
        int done = step - stepOf[oldest];
        double seconds = (now - endedAt[oldest]) / 1e9;
        return done > 0 && seconds > 0 ? done / seconds : Double.NaN;
    }

    String text(int step, int steps, long now, boolean bar) {
        double rate = rate(step, now);
        double eta = (steps - step) / rate;
        String where = String.format(Locale.ROOT, "%s %d/%d", unit, epoch, epochs);
        String progress = bar ? bar(step, steps) + " " : "";
        return String.format(Locale.ROOT, "%s  %s%d/%d steps  %s steps/s  ETA %s  loss %s", where, progress, step, steps,
                Double.isFinite(rate) ? String.format(Locale.ROOT, "%.1f", rate) : "-", duration(eta),
                samples > 0 ? String.format(Locale.ROOT, "%.6f", lossSum / ((double) classes * samples)) : "-");
    }

    private static String bar(int step, int steps) {
        int filled = (int) ((long) BAR * step / steps);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }

    /** {@code 9s}, {@code 2m05s}, {@code 1h02m}; "-" when unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "-";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
