package shallownet.cli;

import picocli.CommandLine.Option;
import shallownet.train.DivergenceGuard;

/** The divergence guard of a training run ({@code train}, {@code retrain}): stop before anything is saved. */
final class DivergenceOptions {

    @Option(names = "--max-loss-factor", defaultValue = "10", description = "Divergence guard: stop (exit 5) when a "
            + "step's minibatch loss is not finite or exceeds this multiple of the run's initial training loss "
            + "(default: ${DEFAULT-VALUE}).") double maxLossFactor;

    /** Rejects a bad factor before any work. */
    void check() {
        DivergenceGuard.checkFactor(maxLossFactor);
    }

    DivergenceGuard guard() {
        return new DivergenceGuard(maxLossFactor);
    }
}
