package shallownet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress text, driven step by step with a fake clock. */
class ProgressLineTest {

    private final long[] now = {0};
    private final List<String> terminal = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    private ProgressLine progress(ProgressLine.Mode mode) {
        return new ProgressLine(mode, "epoch", 5, 10, () -> now[0], terminal::add, log::add, 30_000_000_000L);
    }

    private static long ms(double ms) {
        return (long) (ms * 1e6);
    }

    @Test
    void lineShowsStepsRateEtaAndRunningLoss() {
        ProgressLine p = progress(ProgressLine.Mode.LINE);
        // 600 steps of 100 samples; steps every 50 ms; minibatch loss sums 30, 20, 10, ... (-log y summed).
        p.step(2, 1, 600, 30.0, 100);
        assertEquals("\repoch 2/5  [....................] 1/600 steps  - steps/s  ETA -  loss 0.030000", terminal.get(0),
                "one step: no rate yet; loss 30 / (10 classes x 100 samples)");
        for (int s = 2; s <= 150; s++) {
            now[0] += ms(50);
            p.step(2, s, 600, 20.0, 100);
        }
        String last = terminal.get(terminal.size() - 1);
        // The line is redrawn every 200 ms, i.e. every 4th step: step 149 was the last drawn.
        assertEquals("\repoch 2/5  [####................] 149/600 steps  20.0 steps/s  ETA 23s  loss 0.020067", last,
                "148 steps in 7.4 s after the first: 20 steps/s; 451 left: 22.55 s; loss (30 + 148 x 20) / 149000");
        assertEquals(38, terminal.size(), "drawn at step 1, then every 4th step (200 ms)");
    }

    @Test
    void lastStepIsAlwaysDrawnAndClearErasesTheLine() {
        ProgressLine p = progress(ProgressLine.Mode.LINE);
        p.step(1, 1, 3, 10, 10);
        now[0] += ms(10);
        p.step(1, 2, 3, 10, 10);
        now[0] += ms(10);
        p.step(1, 3, 3, 10, 10);
        assertEquals(2, terminal.size(), "first and last step; the middle one is within 200 ms");
        String drawn = terminal.get(1);
        assertTrue(drawn.startsWith("\repoch 1/5  [####################] 3/3 steps  100.0 steps/s  ETA 0s  loss 0.100000"),
                drawn);
        p.clear();
        assertEquals("\r" + " ".repeat(drawn.length() - 1) + "\r", terminal.get(2));
        p.clear();
        assertEquals(3, terminal.size(), "nothing left to erase");
    }

    @Test
    void aShorterLineOverwritesTheLongerOneCompletely() {
        ProgressLine p = progress(ProgressLine.Mode.LINE);
        p.step(1, 1, 10, 1e6, 1);   // a huge loss makes a long line
        now[0] += ms(300);
        p.step(1, 2, 10, 0, 1_000_000);
        String first = terminal.get(0);
        String second = terminal.get(1);
        assertEquals(first.length(), second.length(), "padded with spaces to cover the previous text");
    }

    @Test
    void aNewEpochRestartsRateAndLoss() {
        ProgressLine p = progress(ProgressLine.Mode.LINE);
        p.step(1, 1, 2, 50, 10);
        now[0] += ms(100);
        p.step(1, 2, 2, 50, 10);
        now[0] += 5_000_000_000L;   // an evaluation between epochs: not counted in the rate
        p.step(2, 1, 2, 10, 10);
        now[0] += ms(250);
        p.step(2, 2, 2, 10, 10);
        assertEquals("\repoch 2/5  [####################] 2/2 steps  4.0 steps/s  ETA 0s  loss 0.100000",
                terminal.get(terminal.size() - 1));
    }

    @Test
    void theRateFollowsTheLastHundredStepsSoSlowWarmUpStepsStopCounting() {
        ProgressLine p = progress(ProgressLine.Mode.LOG);
        for (int s = 1; s <= 1000; s++) {
            p.step(1, s, 1000, 1.0, 100);
            now[0] += s < 250 ? ms(100) : ms(20);   // warm-up at 10 steps/s, then 50 steps/s
        }
        // The one line, at 30 s: step 505. Over the whole epoch so far that is 504 steps in 30 s
        // (16.8 steps/s, ETA 29s); over the last 100 steps, 50 steps/s and 495 steps left.
        assertEquals(List.of("epoch 1/5  505/1000 steps  50.0 steps/s  ETA 10s  loss 0.001000"), log);
    }

    @Test
    void logModeWritesAPlainLineAtMostEveryIntervalAndNotForTheLastStep() {
        ProgressLine p = progress(ProgressLine.Mode.LOG);
        for (int s = 1; s <= 1000; s++) {
            p.step(3, s, 1000, 5.0, 100);
            now[0] += ms(100);   // 100 s for the epoch: lines after 30, 60 and 90 s
        }
        assertEquals(List.of(), terminal, "no carriage returns in logs");
        assertEquals(3, log.size(), log.toString());
        assertEquals("epoch 3/5  301/1000 steps  10.0 steps/s  ETA 1m10s  loss 0.005000", log.get(0));
        assertEquals("epoch 3/5  901/1000 steps  10.0 steps/s  ETA 10s  loss 0.005000", log.get(2));
    }

    @Test
    void offPrintsNothingAndQuietWins() {
        ProgressLine p = progress(ProgressLine.Mode.OFF);
        p.step(1, 1, 1, 1, 1);
        p.clear();
        assertEquals(List.of(), terminal);
        assertEquals(List.of(), log);
        assertEquals(ProgressLine.Mode.OFF, ProgressLine.Mode.choose("line", true, true));
        assertEquals(ProgressLine.Mode.LINE, ProgressLine.Mode.choose("auto", false, true));
        assertEquals(ProgressLine.Mode.LOG, ProgressLine.Mode.choose("auto", false, false));
        assertEquals(ProgressLine.Mode.LINE, ProgressLine.Mode.choose("line", false, false));
        assertThrows(IllegalArgumentException.class, () -> ProgressLine.Mode.choose("fancy", false, true));
        assertThrows(IllegalArgumentException.class, () -> ProgressLine.Mode.choose("fancy", true, true),
                "a bad value is an error also with --quiet");
    }

    @Test
    void durations() {
        assertEquals("9s", ProgressLine.duration(9.4));
        assertEquals("2m05s", ProgressLine.duration(125));
        assertEquals("1h02m", ProgressLine.duration(3725));
        assertEquals("-", ProgressLine.duration(Double.NaN));
    }
}
