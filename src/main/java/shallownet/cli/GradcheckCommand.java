package shallownet.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.net.FiniteDifferences;

@Command(name = "gradcheck", mixinStandardHelpOptions = true, description = "Check softmaxp and relup against finite differences (the notebook's Q11 and Q12).")
final class GradcheckCommand implements Callable<Integer> {

    /** The notebook's acceptance bound for both checks. */
    static final double BOUND = 1e-6;

    @Mixin CommonOptions common;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the random inputs and directions (default: ${DEFAULT-VALUE}).") long seed;

    @Override
    public Integer call() {
        double softmaxp = FiniteDifferences.softmaxpRelativeError(seed);
        double relup = FiniteDifferences.relupRelativeError(seed);
        System.out.printf("softmaxp relative error %.6e (should be smaller than 1e-6): %s%n", softmaxp, verdict(softmaxp));
        System.out.printf("relup    relative error %.6e (should be smaller than 1e-6): %s%n", relup, verdict(relup));
        return softmaxp < BOUND && relup < BOUND ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }

    private static String verdict(double e) {
        return e < BOUND ? "ok" : "FAILED";
    }
}
