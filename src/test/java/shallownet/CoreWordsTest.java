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
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core messages in the core's words: no string literal outside {@code cli} names a command-line
 * flag ({@code --lr}); the core names its settings ({@code learningRate}) through
 * {@link SettingWords}, and the command line renders them as flags ({@code cli.SettingFlags}).
 */
class CoreWordsTest {

    private static final Path SOURCES = Path.of("src/main/java/shallownet");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Literals that name another program's own options, by file: what the user types to that
     * program, not this project's flags.
     */
    static final Map<String, Set<String>> OTHER_PROGRAMS_OPTIONS = Map.of(
            // submit.sh runs this class to size the driver before spark-submit starts: its lines name
            // spark-submit's --driver-memory and submit.sh's own --allow-spill, which the user passes.
            "data/DriverSizing.java", Set.of("--allow-spill", "; --allow-spill: using --driver-memory ",
                    "; using --driver-memory ", "; an explicit --driver-memory wins)",
                    ", 3/4 of its physical memory); train on a cluster, or pass --allow-spill to train "),
            // The spark-submit setting that would hold the cached data (log line, model.json, report).
            "data/CacheReport.java", Set.of("--driver-memory ", "--executor-memory "),
            // npm's own option.
            "fetch/MnistFetcher.java", Set.of("--silent"));

    @Test
    void noStringLiteralOutsideCliNamesAFlag() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String rel = SOURCES.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("cli/")) {
                    continue;
                }
                int n = 0;
                for (String line : Files.readAllLines(f)) {
                    n++;
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
                        continue;
                    }
                    Matcher m = LITERAL.matcher(code.replace("'\"'", "").replace("'\\\"'", ""));
                    while (m.find()) {
                        String literal = m.group(1);
                        if (literal.contains("--")
                                && !OTHER_PROGRAMS_OPTIONS.getOrDefault(rel, Set.of()).contains(literal)) {
                            found.add(rel + ":" + n + ": \"" + literal + "\"");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "name settings by the core's names through SettingWords; cli renders flags");
    }

    @Test
    void settingsAreRenderedInTheCallersWordsAndValuesAreNotTakenForSettings() {
        BadInputException e = BadInputException.about("/models/m{}", "already exists; choose another ",
                SettingWords.setting("modelOut"), " or pass ", SettingWords.setting("overwrite"));
        assertEquals("/models/m{}: already exists; choose another modelOut or pass overwrite", e.getMessage());
        UnaryOperator<String> flags = s -> "--" + s.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        assertEquals("/models/m{}: already exists; choose another --model-out or pass --overwrite", e.message(flags));
        CommandFailure f = new CommandFailure(SettingWords.of("lower ", SettingWords.setting("learningRate")));
        assertEquals("lower learningRate", f.getMessage());
        assertEquals("lower --learning-rate", f.message(flags));
        assertEquals("plain", new BadInputException("plain").message(flags), "a message without settings is as is");
        assertTrue(new InvalidSettingException("{} must be at least 1, got 0", "hidden").message(flags)
                .startsWith("--hidden must"));
    }
}
