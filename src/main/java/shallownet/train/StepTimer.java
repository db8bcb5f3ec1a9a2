package shallownet.train;

import java.util.Arrays;

/** Wall time of each training step, for the median and p90 reported after a run. */
public final class StepTimer {

    private long[] nanos = new long[1024];
    private int count;

    void record(long n) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = n;
    }

    Summary summary() {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return new Summary(count, quantileMs(sorted, 0.5), quantileMs(sorted, 0.9));
    }

    private static double quantileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    /** Step count and step time quantiles in milliseconds. */
    public record Summary(int steps, double medianMs, double p90Ms) {
    }
}
