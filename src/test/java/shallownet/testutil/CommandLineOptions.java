package shallownet.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The options a user types: picocli's model of {@code shallownet.cli.Main}, and submit.sh's. */
public final class CommandLineOptions {

    /** An arm of submit.sh's option loop: {@code --driver-memory)} or {@code --name|--queue)}. */
    private static final Pattern SCRIPT_ARM = Pattern.compile("(?m)^\\s*(--[a-z][a-z-]*(?:\\|--[a-z][a-z-]*)*)\\)");

    private CommandLineOptions() {
    }

    /**
     * Every long option of the command and its subcommands (nested too), with {@code --no-X} for a
     * negatable {@code --X}; {@code --help} and {@code --version} included.
     */
    public static Set<String> picocli() {
        Set<String> out = new TreeSet<>();
        collect(new CommandLine(new shallownet.cli.Main()).getCommandSpec(), out);
        return out;
    }

    private static void collect(CommandSpec spec, Set<String> out) {
        for (OptionSpec o : spec.options()) {
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    out.add(n);
                    if (o.negatable()) {
                        out.add("--no-" + n.substring(2));
                    }
                }
            }
        }
        spec.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), out));
    }

    /**
     * The options submit.sh takes for itself ({@code --allow-spill}): those of its loop that are
     * neither the application's (picocli's) nor the spark-submit options its header says it passes on.
     */
    public static Set<String> submitShOwn() throws IOException {
        String script = Files.readString(Path.of("submit.sh"));
        int from = script.indexOf("given to spark-submit:");
        Matcher m = Pattern.compile("--[a-z][a-z-]*").matcher(script.substring(from, script.indexOf("\n# In local mode", from)));
        Set<String> out = new TreeSet<>(submitSh());
        while (m.find()) {
            out.remove(m.group());
        }
        out.removeAll(picocli());
        return out;
    }

    /**
     * The options submit.sh's own loop takes out of the command line (its own, such as
     * {@code --allow-spill}, and the spark-submit options it passes on, such as {@code --driver-memory}).
     */
    public static Set<String> submitSh() throws IOException {
        String script = Files.readString(Path.of("submit.sh"));
        int from = script.indexOf("while [[ $# -gt 0 ]]; do");
        String loop = script.substring(from, script.indexOf("\ndone\n", from));
        Set<String> out = new TreeSet<>();
        Matcher m = SCRIPT_ARM.matcher(loop);
        while (m.find()) {
            out.addAll(Set.of(m.group(1).split("\\|")));
        }
        return out;
    }
}
