package shallownet.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import shallownet.BadInputException;

/**
 * The one entry point ({@code submit.sh COMMAND ...}). Exit codes: 0 success, 2 bad usage or bad
 * input data, 1 any other failure. User errors print one line without a stack trace
 * ({@code --verbose} adds it).
 */
@Command(name = "shallownet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A 784-64-10 shallow network trained on MNIST by minibatch SGD as a Spark job.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ShowCommand.class,
                InfoCommand.class, GradcheckCommand.class, FetchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command in this JVM and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        // submit.sh points this at conf/shallownet-defaults.properties: the job's defaults.
        String defaults = System.getProperty("shallownet.defaults");
        if (defaults != null) {
            cl.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(new java.io.File(defaults)));
        }
        return cl.execute(args);
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        PrintWriter err = cl.getErr();
        String userError = userErrorMessage(e);
        if (verbose) {
            e.printStackTrace(err);
        }
        if (userError != null) {
            err.println("error: " + userError);
            err.flush();
            return EXIT_BAD_INPUT;
        }
        err.println("error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
    }

    /**
     * The one-line message of a user error anywhere in the cause chain: a bad input (also when
     * raised inside a Spark task and wrapped by the scheduler) or a rejected option value.
     */
    static String userErrorMessage(Throwable e) {
        String marker = BadInputException.class.getName() + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException || t instanceof IllegalArgumentException && t == e) {
                return t.getMessage();
            }
            String m = t.getMessage();
            if (m != null && m.contains(marker)) {
                String rest = m.substring(m.indexOf(marker) + marker.length());
                int eol = rest.indexOf('\n');
                return eol < 0 ? rest : rest.substring(0, eol);
            }
        }
        return null;
    }
}
