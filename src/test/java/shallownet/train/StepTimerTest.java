package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The step count, median and p90 reported after a run, in milliseconds, whatever order steps took. */
class StepTimerTest {

    private static StepTimer timed(List<Long> nanos) {
        StepTimer t = new StepTimer();
        nanos.forEach(t::record);
        return t;
    }

    /** 1..n milliseconds, shuffled: a slow step may come first or last. */
    private static List<Long> shuffledMillis(int n) {
        List<Long> nanos = new ArrayList<>();
        for (long ms = 1; ms <= n; ms++) {
            nanos.add(ms * 1_000_000);
        }
        Collections.shuffle(nanos, new Random(42));
        return nanos;
    }

    @Test
    void medianAndP90OfNineStepsAreTheFifthAndNinthFastest() {
        StepTimer.Summary s = timed(shuffledMillis(9)).summary();
        assertEquals(9, s.steps());
        assertEquals(5.0, s.medianMs());
        assertEquals(9.0, s.p90Ms());
    }

    @Test
    void manyMoreStepsThanTheInitialCapacityAreAllCounted() {
        StepTimer.Summary s = timed(shuffledMillis(3001)).summary();
        assertEquals(3001, s.steps());
        assertEquals(1501.0, s.medianMs());
        assertEquals(2701.0, s.p90Ms());
    }

    @Test
    void oneStepIsItsOwnMedianAndP90InMilliseconds() {
        StepTimer.Summary s = timed(List.of(1_500_000L)).summary();
        assertEquals(1, s.steps());
        assertEquals(1.5, s.medianMs());
        assertEquals(1.5, s.p90Ms());
    }

    @Test
    void aFewSlowStepsMoveTheP90ButNotTheMedian() {
        List<Long> nanos = new ArrayList<>(Collections.nCopies(95, 2_000_000L));
        nanos.addAll(Collections.nCopies(5, 900_000_000L));
        Collections.shuffle(nanos, new Random(7));
        StepTimer.Summary s = timed(nanos).summary();
        assertEquals(2.0, s.medianMs());
        assertEquals(2.0, s.p90Ms());
        nanos.addAll(Collections.nCopies(10, 900_000_000L));
        StepTimer.Summary slower = timed(nanos).summary();
        assertEquals(2.0, slower.medianMs());
        assertEquals(900.0, slower.p90Ms());
    }

    @Test
    void noStepsHaveNoTimes() {
        StepTimer.Summary s = new StepTimer().summary();
        assertEquals(0, s.steps());
        assertTrue(Double.isNaN(s.medianMs()) && Double.isNaN(s.p90Ms()), s.toString());
    }
}
