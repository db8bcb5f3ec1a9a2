package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import shallownet.testutil.Docs;
import org.junit.jupiter.api.Test;

/** The commands and options the documentation lists are those the command line has, no more, no fewer. */
class CommandsDocTest {

    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*");
    private static final CommandLine CLI = new CommandLine(new Main());

    @Test
    void theReadmeCommandsTableListsEveryCommand() {
        Set<String> listed = new TreeSet<>();
        for (String cell : Docs.firstColumn("README.md", "Commands")) {
            listed.add(cell.replace("`", "").split(" ")[0]);
        }
        Set<String> commands = new TreeSet<>(CLI.getSubcommands().keySet());
        commands.remove("help");
        assertEquals(commands, listed);
        // the models row names its subcommands: `models list\|show V\|promote V\|rollback --store PATH`
        String models = Docs.firstColumn("README.md", "Commands").stream().filter(c -> c.startsWith("`models "))
                .findFirst().orElseThrow();
        Set<String> actions = new TreeSet<>();
        for (String part : models.replace("`", "").substring("models ".length()).split("\\\\\\|")) {
            actions.add(part.strip().split(" ")[0]);
        }
        assertEquals(new TreeSet<>(CLI.getSubcommands().get("models").getSubcommands().keySet()), actions);
    }

    @Test
    void docsCommandsListsEveryTrainOption() {
        Set<String> listed = new TreeSet<>();
        Docs.firstColumn("docs/commands.md", "`train` options").forEach(c -> listed.addAll(options(c)));
        assertEquals(options("train"), listed);
    }

    @Test
    void docsRetrainingListsEveryRetrainOption() {
        // the table lists retrain's own options; the sentence above it, the recipe options it shares with train
        List<String> section = Docs.section("docs/retraining.md", "`retrain` options");
        String intro = String.join(" ", section.subList(0, section.indexOf(section.stream()
                .filter(l -> l.startsWith("|")).findFirst().orElseThrow())));
        Set<String> listed = new TreeSet<>(options(intro.substring(intro.indexOf("are `train`'s:"), intro.indexOf(";"))));
        Docs.firstColumn("docs/retraining.md", "`retrain` options").forEach(c -> listed.addAll(options(c)));
        assertEquals(options("retrain"), listed);
        // and the sentence's train-only options are indeed train's only
        Set<String> trainOnly = options(intro.substring(intro.indexOf(";"), intro.indexOf("are `train`'s only")));
        Set<String> shared = new TreeSet<>(trainOnly);
        shared.retainAll(options("retrain"));
        assertEquals(Set.of(), shared, "listed as train's only, yet retrain has them");
        assertEquals(trainOnly, intersect(trainOnly, options("train")));
    }

    /** The long options a command has, --help and --version left out. */
    private static Set<String> options(CommandLine.Model.CommandSpec spec) {
        Set<String> out = new TreeSet<>();
        spec.options().forEach(o -> out.add(o.longestName()));
        out.removeAll(Set.of("--help", "--version"));
        return out;
    }

    private static Set<String> options(String commandOrText) {
        CommandLine sub = CLI.getSubcommands().get(commandOrText);
        if (sub != null) {
            return options(sub.getCommandSpec());
        }
        Set<String> out = new TreeSet<>();
        Matcher m = OPTION.matcher(commandOrText);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.retainAll(b);
        return out;
    }
}
