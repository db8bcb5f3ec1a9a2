package shallownet.cli;

import java.io.PrintWriter;
import org.apache.hadoop.fs.FSError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.InvalidSettingException;
import shallownet.store.StoreLockedException;

/**
 * The one entry point ({@code submit.sh COMMAND ...}). Exit codes ({@link ExitCode}): 0 success, 2 bad usage or bad
 * input data (picocli's usage errors and outputs refused by {@link shallownet.run.OutputPaths} included), 3
 * {@code retrain} trained a model that the quality gate did not promote, 4 another run holds the
 * model store's lock, 5 training diverged, 1 any other failure. Every failure prints one line
 * ({@code error: ...}) without a stack trace ({@code --verbose} adds it); SIGTERM or Ctrl-C prints
 * one {@code interrupted: ...} line ({@link Interruption}).
 */
@Command(name = "shallownet", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A 784-64-10 shallow network trained on MNIST by minibatch SGD as a Spark job.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ShowCommand.class,
                InfoCommand.class, GradcheckCommand.class, FetchCommand.class, RetrainCommand.class, ModelsCommand.class,
                ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) throws org.apache.spark.SparkUserAppException {
        Interruption.install();
        int code = ExitCode.FAILURE.code();
        try {
            code = run(args);
        } finally {
            Interruption.finished(code);
        }
        // In YARN cluster deploy mode this JVM is the ApplicationMaster, which reports the outcome
        // to YARN when main returns or throws. System.exit there, even exit(0), reports the
        // application FAILED ("Shutdown hook called before final status was reported") and makes
        // YARN start another attempt. So return for success, and hand a failure's exit code to
        // the AM as Spark's own runners do (it reports FAILED with "User application exited with
        // status N"). The property is set by Spark's ApplicationMaster in cluster mode only.
        if (System.getProperty("spark.yarn.app.id") != null) {
            if (code != ExitCode.OK.code()) {
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
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (FSError e) {
                // Hadoop's local file system reports a failed write (disk full, file too large) as
                // an Error, which picocli would let escape with its stack trace.
                throw new CommandLine.ExecutionException(cl, "write failed", new CommandFailure(
                        "a write failed: " + CommandFailure.rootMessage(e), e));
            }
        });
        // submit.sh points this at conf/shallownet-defaults.properties: the job's defaults.
        String defaults = System.getProperty("shallownet.defaults");
        if (defaults != null) {
            String unknown = unknownDefault(cl, new java.io.File(defaults));
            if (unknown != null) {
                cl.getErr().println("error: " + unknown);
                cl.getErr().flush();
                return ExitCode.BAD_INPUT.code();
            }
            cl.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(new java.io.File(defaults)));
        }
        String blasRefused = blasRefused();
        if (blasRefused != null) {
            cl.getErr().println("error: " + blasRefused);
            cl.getErr().flush();
            return ExitCode.BAD_INPUT.code();
        }
        return cl.execute(args);
    }

    /**
     * Why this JVM's -Dshallownet.blas cannot be honoured (an unknown value, or native with no
     * library that loads), as one line before Spark starts; null when it can (or is unset).
     */
    static String blasRefused() {
        if (System.getProperty(shallownet.net.NetworkKernel.BLAS_PROPERTY) == null) {
            return null;
        }
        try {
            shallownet.net.NetworkKernel.blasImplementation();
            return null;
        } catch (ExceptionInInitializerError e) {
            return e.getCause() != null ? e.getCause().getMessage() : String.valueOf(e);
        }
    }

    /**
     * The defaults file's first key that names no option (a typo would otherwise be ignored
     * silently and the default it meant to set never applied), as an error message; null if all
     * are known. Keys are {@code shallownet.<command>[.<action>].<option without dashes>}.
     */
    static String unknownDefault(CommandLine cl, java.io.File file) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file.toPath())) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return file + ": cannot be read as a properties file (" + CommandFailure.rootMessage(e) + ")";
        }
        java.util.Set<String> known = new java.util.TreeSet<>();
        collectKeys(cl, known);
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            if (!known.contains(key)) {
                String near = known.stream().filter(k -> k.contains(".") && distance(k, key) <= 3)
                        .min(java.util.Comparator.comparingInt(k -> distance(k, key))).orElse(null);
                return file + ": unknown key '" + key + "': no command option is named so"
                        + (near != null ? "; did you mean " + near + "?" : " (keys are shallownet.COMMAND.OPTION, e.g. "
                        + "shallownet.train.epochs)");
            }
        }
        return null;
    }

    /** How far a mistyped key is from a known one (edits). */
    private static int distance(String a, String b) {
        return org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance().apply(a, b);
    }

    private static void collectKeys(CommandLine cl, java.util.Set<String> keys) {
        String prefix = cl.getCommandSpec().qualifiedName(".") + ".";
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            String bare = o.longestName().replaceFirst("^-+", "");
            keys.add(prefix + bare);
            keys.add(bare); // picocli also reads a key without the command's name
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            collectKeys(sub, keys);
        }
    }

    /** picocli's own usage errors (unknown option, missing or malformed value): one line and a hint. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        String hint = "";
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            hint = "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        PrintWriter err = c.getErr();
        err.println("error: " + firstLine(e.getMessage()) + hint + " (see '" + typed(c) + " --help')");
        err.flush();
        return ExitCode.BAD_INPUT.code();
    }

    /** The command as the user types it: {@code ./submit.sh train}, not picocli's {@code shallownet train}. */
    static String typed(CommandLine c) {
        String q = c.getCommandSpec().qualifiedName();
        String root = c.getCommandSpec().root().name();
        return "./submit.sh" + q.substring(Math.min(q.length(), root.length()));
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (Interruption.requested()) {
            // The failure is the shutdown's doing (a stopped SparkContext): say so, once.
            Interruption.print();
            return ExitCode.FAILURE.code();
        }
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        PrintWriter err = cl.getErr();
        if (verbose) {
            e.printStackTrace(err);
        }
        err.println(errorLine(e, verbose));
        err.flush();
        return ExitCode.of(e).code();
    }

    /** The one line a failure is reported with: {@code error: ...}, never more than one line. */
    static String errorLine(Throwable e, boolean verbose) {
        String userError = userErrorMessage(e);
        if (userError != null) {
            return "error: " + firstLine(userError);
        }
        CommandFailure failure = commandFailure(e);
        if (failure != null) {
            return "error: " + firstLine(failure.message(SettingFlags::flag)) + hint(failure);
        }
        return "error: " + firstLine(String.valueOf(e)) + (verbose ? "" : " (run with --verbose for the stack trace)");
    }

    /** What the command line adds to a core failure's words: the options that help. */
    private static String hint(CommandFailure failure) {
        if (failure instanceof StoreLockedException locked && locked.held()) {
            return "; retry later, pass --lock-wait, or let the lock expire (--lock-timeout)";
        }
        return "";
    }

    /** The first line of a message (Spark's carry call sites and stage details on further lines). */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int eol = message.indexOf('\n');
        return (eol < 0 ? message : message.substring(0, eol)).stripTrailing();
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
            if (t instanceof InvalidSettingException invalid && t == e) {
                return SettingFlags.message(invalid);
            }
            if (t instanceof BadInputException bad) {
                return bad.message(SettingFlags::flag);
            }
            if (t instanceof IllegalArgumentException && t == e) {
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
