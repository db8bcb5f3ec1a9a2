package shallownet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import shallownet.testutil.CommandLineOptions;
import shallownet.testutil.JavaSources;

/**
 * The arrows of docs/design.md: every package of src/main/java uses only packages of a lower
 * layer (and the top-level {@code shallownet} classes), never one beside or above it. A new
 * package must be given its layer here. Below {@code cli} no class names a flag of the command
 * line or ends the JVM: both are the command line's.
 */
class LayersTest {

    /** Layer of each package; a package may use only packages of a strictly lower layer. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("", 0),          // shallownet: failures, the atomic writer, Hadoop paths
            Map.entry("net", 1), Map.entry("idx", 1), Map.entry("image", 1),
            Map.entry("data", 2), Map.entry("model", 2), Map.entry("fetch", 2), Map.entry("onnx", 2),
            Map.entry("train", 3),
            Map.entry("report", 4), Map.entry("store", 4),
            Map.entry("run", 5), Map.entry("ml", 5),
            Map.entry("cli", 6));

    private static final Path SOURCES = Path.of("src/main/java/shallownet");
    private static final Pattern USE = Pattern.compile("\\bshallownet\\.([a-z]+)\\.[A-Za-z]");

    @Test
    void noPackageUsesOneBesideOrAboveIt() throws IOException {
        List<String> upward = new ArrayList<>();
        TreeSet<String> packages = new TreeSet<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(SOURCES)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                Path dir = SOURCES.relativize(f.getParent());
                String from = dir.toString().replace('/', '.');
                packages.add(from);
                Integer fromLayer = LAYERS.get(from);
                assertTrue(fromLayer != null, "package shallownet." + from + " has no layer in LayersTest (and "
                        + "docs/design.md): decide where it belongs");
                Matcher m = USE.matcher(code(Files.readString(f)));
                while (m.find()) {
                    String to = m.group(1);
                    if (to.equals(from)) {
                        continue;
                    }
                    Integer toLayer = LAYERS.get(to);
                    if (toLayer == null || toLayer >= fromLayer) {
                        upward.add(SOURCES.relativize(f) + " uses shallownet." + to);
                    }
                }
            }
        }
        assertTrue(files > 50, "found the sources (" + files + " files under " + SOURCES.toAbsolutePath() + ")");
        assertTrue(packages.containsAll(List.of("cli", "run", "store", "train", "net")), packages.toString());
        assertEquals(List.of(), upward, "imports that point up or sideways");
    }

    @Test
    void theCheckSeesAnUpwardImport() {
        // The scanner itself: an import of cli from train is found, one in a comment is not.
        Matcher m = USE.matcher(code("package shallownet.train;\n// see shallownet.cli.Main\nimport shallownet.cli.ExitCode;\n"));
        assertTrue(m.find());
        assertEquals("cli", m.group(1));
        assertTrue(!m.find());
    }

    /** The source without comments (they may name any class). */
    static String code(String source) {
        return JavaSources.parse(source).code();
    }

    // ------------------------------------------------------------------ the words and exits of the command line

    /** An option in a literal: {@code --} and a name, not part of a longer word ({@code ---}, {@code --lr-x}). */
    private static final Pattern OPTION_IN_TEXT = Pattern.compile("(?<![A-Za-z0-9-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![A-Za-z0-9-])");
    /** {@code System.exit(..)} and {@code Runtime.getRuntime().exit(..)}. */
    private static final Pattern EXIT = Pattern.compile("\\bSystem\\s*\\.\\s*exit\\s*\\(|\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*exit\\s*\\(");

    /**
     * A flag string: a string literal (or text block) that contains one of the command line's own
     * option names as a word ({@code "lower --lr"}, {@code "--allow-spill"}): a long option of
     * picocli's model of {@code cli.Main} and all its subcommands ({@code --no-X} for a negatable
     * one), or one submit.sh takes for itself. Other programs' options are not the command line's
     * ({@code npm pack --silent}, the spark-submit options submit.sh passes on such as
     * {@code --driver-memory}). Comments may name flags.
     */
    static List<String> flagStrings(String rel, String source, Set<String> flags) {
        List<String> found = new ArrayList<>();
        for (JavaSources.Literal l : JavaSources.parse(source).literals()) {
            Matcher m = OPTION_IN_TEXT.matcher(l.text());
            while (m.find()) {
                if (flags.contains(m.group())) {
                    found.add(rel + ":" + l.line() + ": \"" + l.text() + "\" names " + m.group());
                }
            }
        }
        return found;
    }

    /** The calls that end the JVM with an exit code, outside comments and string literals. */
    static List<String> exits(String rel, String source) {
        return inCode(rel, source, EXIT);
    }

    /** Each match of {@code p} in the code of {@code source} (not its comments or strings), as "file:line: match". */
    static List<String> inCode(String rel, String source, Pattern p) {
        String code = JavaSources.parse(source).bare();
        List<String> found = new ArrayList<>();
        Matcher m = p.matcher(code);
        while (m.find()) {
            found.add(rel + ":" + (1 + code.substring(0, m.start()).chars().filter(c -> c == '\n').count()) + ": " + m.group());
        }
        return found;
    }

    /** The sources below cli, by path relative to {@link #SOURCES}. */
    private static Map<String, String> belowCli() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(SOURCES)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String rel = SOURCES.relativize(f).toString().replace('\\', '/');
                if (!rel.startsWith("cli/")) {
                    out.put(rel, Files.readString(f));
                }
            }
        }
        assertTrue(out.size() > 50, "found the sources below cli (" + out.size() + ")");
        return out;
    }

    /** The command line's own option names: picocli's model of cli.Main and submit.sh's own options. */
    static Set<String> commandLineFlags() throws IOException {
        Set<String> flags = new TreeSet<>(CommandLineOptions.picocli());
        flags.addAll(CommandLineOptions.submitShOwn());
        assertTrue(flags.containsAll(List.of("--lr", "--model-out", "--data", "--no-nesterov", "--allow-spill")), flags.toString());
        return flags;
    }

    @Test
    void noClassBelowCliNamesAFlag() throws IOException {
        Set<String> flags = commandLineFlags();
        List<String> found = new ArrayList<>();
        belowCli().forEach((rel, source) -> found.addAll(flagStrings(rel, source, flags)));
        assertEquals(List.of(), found, "name settings by the core's names through SettingWords (cli renders the flags); "
                + "a message about the command line's options belongs in cli");
    }

    @Test
    void noClassBelowCliEndsTheJvm() throws IOException {
        // CrashPoints' Runtime.halt is the store's simulated kill -9 in a test's child JVM, not an exit code.
        List<String> found = new ArrayList<>();
        belowCli().forEach((rel, source) -> found.addAll(exits(rel, source)));
        assertEquals(List.of(), found, "only cli ends the process (and picks the exit code)");
    }

    /** Where code (not a comment or string) uses the command line's exit codes: {@code cli.ExitCode}. */
    static List<String> exitCodeUses(String rel, String source) {
        return inCode(rel, source, EXIT_CODE);
    }

    private static final Pattern EXIT_CODE = Pattern.compile("\\bExitCode\\b");

    @Test
    void noClassBelowCliKnowsAnExitCode() throws IOException {
        // The run layer returns outcomes (RetrainRun.Result) and throws typed failures; cli.ExitCode maps them.
        List<String> found = new ArrayList<>();
        belowCli().forEach((rel, source) -> found.addAll(exitCodeUses(rel, source)));
        assertEquals(List.of(), found, "exit codes are cli's: return an outcome or throw a typed failure");
        assertEquals(List.of("B.java:2: ExitCode"), exitCodeUses("B.java",
                "// ExitCode in a comment\nclass B { int c = ExitCode.OK.code(); String s = \"ExitCode\"; }\n"));
    }

    @Test
    void theChecksSeeAFlagStringAndAnExit() {
        Set<String> flags = Set.of("--lr", "--lr-decay", "--allow-spill");
        String source = """
                class A {
                  // lower --lr in a comment
                  String a = "lower --lr; \\"or\\" --lr-decay";
                  String b = "--lrx --lr-x ---lr npm --silent";
                  char q = '"';
                  String c = \"""
                      pass --allow-spill\""";
                  void f() { /* System.exit(1) */ String s = "System.exit(2)"; System.exit(3); Runtime.getRuntime().exit(4); }
                }
                """;
        assertEquals(List.of("A.java:3: \"lower --lr; \\\"or\\\" --lr-decay\" names --lr",
                "A.java:3: \"lower --lr; \\\"or\\\" --lr-decay\" names --lr-decay",
                "A.java:6: \"\n      pass --allow-spill\" names --allow-spill"), flagStrings("A.java", source, flags));
        assertEquals(List.of("A.java:8: System.exit(", "A.java:8: .getRuntime().exit("), exits("A.java", source));
    }
}
