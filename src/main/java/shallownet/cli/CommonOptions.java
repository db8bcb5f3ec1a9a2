package shallownet.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {

    @Option(names = "--verbose", description = "Print stack traces of errors.") boolean verbose;

    @Option(names = "--quiet", description = "Print only results and errors, no progress lines.") boolean quiet;
}
