package shallownet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {

    @Test
    void lapsAreInOrderAndTrainingSplitsIntoStepsAndTheRest() throws Exception {
        PhaseTimes t = new PhaseTimes();
        Thread.sleep(20);
        double first = t.lap("start Spark");
        assertTrue(first >= 0.015, "the lap covers the time since construction: " + first);
        t.add("measured elsewhere", 1.5);
        Thread.sleep(30);
        t.training(0.01);
        List<TrainingReport.Phase> p = t.phases();
        assertEquals(List.of("start Spark", "measured elsewhere", "training: steps", "training: evaluations and the rest"),
                p.stream().map(TrainingReport.Phase::name).toList());
        assertEquals(1.5, p.get(1).seconds());
        assertEquals(0.01, p.get(2).seconds());
        assertTrue(p.get(3).seconds() >= 0.015, "the rest of the training phase: " + p.get(3).seconds());
        assertTrue(t.sinceLap() < 1, "training restarted the lap clock");
    }
}
