package shallownet.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import shallownet.BadInputException;
import shallownet.CommandFailure;

/**
 * The one entry point ({@code submit.sh COMMAND ...}). Exit codes: 0 success, 2 bad usage or bad
 * input data, 3 {@code retrain} trained a model that the quality gate did not promote, 4 another
 * run holds the model store's lock, 5 training diverged, 1 any other failure. User errors and
 * {@link CommandFailure}s print one line without a stack trace ({@code --verbose} adds it).
 */
@Command(name = "shallownet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A 784-64-10 shallow network trained on MNIST by minibatch SGD as a Spark job.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ShowCommand.class,
                InfoCommand.class, GradcheckCommand.class, FetchCommand.class, RetrainCommand.class, ModelsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_NOT_PROMOTED = 3;
    public static final int EXIT_LOCK_HELD = 4;
    public static final int EXIT_DIVERGED = 5;

    public static void main(String[] args) throws org.apache.spark.SparkUserAppException {
        int code = run(args);
        // In YARN cluster deploy mode this JVM is the ApplicationMaster, which reports the outcome
        // to YARN when main returns or throws. System.exit there, even exit(0), reports the
        // application FAILED ("Shutdown hook called before final status was reported") and makes
        // YARN start another attempt. So return for success, and hand a failure's exit code to
        // the AM as Spark's own runners do (it reports FAILED with "User application exited with
        // status N"). The property is set by Spark's ApplicationMaster in cluster mode only.
        if (System.getProperty("spark.yarn.app.id") != null) {
            if (code != EXIT_OK) {
                throw new org.apache.spark.SparkUserAppException(code, null);
            }
            return;
        }
        System.exit(code);
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
        CommandFailure failure = commandFailure(e);
        if (failure != null) {
            err.println("error: " + failure.getMessage());
            err.flush();
            return failure.exitCode();
        }
        err.println("error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
    }

    /** The first {@link CommandFailure} in the cause chain, or null. */
    static CommandFailure commandFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CommandFailure f) {
                return f;
            }
        }
        return null;
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
