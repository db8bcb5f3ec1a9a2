package shallownet.report;

import java.util.ArrayList;
import java.util.List;

/** Wall time of the phases of a run, in order: each {@link #lap} closes the phase since the previous one. */
public final class PhaseTimes {

    private final List<TrainingReport.Phase> phases = new ArrayList<>();
    private long mark = System.nanoTime();

    /** Records the time since the last lap (or since construction) as phase {@code name}. */
    public double lap(String name) {
        long now = System.nanoTime();
        double s = (now - mark) / 1e9;
        phases.add(new TrainingReport.Phase(name, s));
        mark = now;
        return s;
    }

    /** Seconds since the last lap, without closing a phase. */
    public double sinceLap() {
        return (System.nanoTime() - mark) / 1e9;
    }

    /** Records a phase measured elsewhere, and restarts the lap clock. */
    public void add(String name, double seconds) {
        phases.add(new TrainingReport.Phase(name, seconds));
        mark = System.nanoTime();
    }

    /**
     * Closes the training phase, split into the steps ({@code stepSeconds}, measured by the
     * listener) and the rest (evaluations, checkpoints).
     */
    public void training(double stepSeconds) {
        double training = sinceLap();
        add("training: steps", stepSeconds);
        add("training: evaluations and the rest", training - stepSeconds);
    }

    public List<TrainingReport.Phase> phases() {
        return List.copyOf(phases);
    }
}
