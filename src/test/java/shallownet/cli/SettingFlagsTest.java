package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.InvalidSettingException;
import shallownet.SettingWords;
import shallownet.testutil.CommandLineOptions;
import shallownet.testutil.JavaSources;
import shallownet.train.DivergedException;
import shallownet.train.DivergenceGuard;
import shallownet.train.MemoryEstimate;
import shallownet.train.TrainingListener.StepProgress;

/**
 * One name per setting: the core names a setting in camelCase and the command line derives its
 * flag ({@link SettingFlags}). Every name the core uses in a message must give a flag the user can
 * type (picocli's model, or an option submit.sh takes), so the derivation cannot drift silently;
 * the command line's error line shows the core's failures with those flags.
 */
class SettingFlagsTest {

    private static final Path CORE = Path.of("src/main/java/shallownet");
    /** {@code setting("runId")}, or a renderer applied to a name: {@code flags.apply("fromScratch")}. */
    private static final Pattern NAMED = Pattern.compile("(?:\\bsetting|\\.apply)\\(\"([a-z][A-Za-z]*)\"\\)");
    /** The arguments of {@code new InvalidSettingException("{} ...", "a", "b")}, up to the statement's end. */
    private static final Pattern INVALID = Pattern.compile("new InvalidSettingException\\(\"(?s:(.*?))\\);");
    private static final Pattern BARE_NAME = Pattern.compile("\"([a-z][A-Za-z]*)\"");

    /** Each setting name the core uses in messages, with a file that uses it. */
    static Map<String, String> coreSettingNames() throws IOException {
        Map<String, String> names = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CORE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String rel = CORE.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("cli/")) {
                    continue;
                }
                String code = JavaSources.parse(Files.readString(f)).code();
                Matcher m = NAMED.matcher(code);
                while (m.find()) {
                    names.putIfAbsent(m.group(1), rel);
                }
                Matcher call = INVALID.matcher(code);
                while (call.find()) {
                    // The template is the first literal; the setting names are the bare words after it.
                    Matcher n = BARE_NAME.matcher(call.group(1).substring(call.group(1).indexOf('"') + 1));
                    while (n.find()) {
                        names.putIfAbsent(n.group(1), rel);
                    }
                }
            }
        }
        return names;
    }

    @Test
    void everySettingTheCoreNamesHasAFlagTheUserCanType() throws IOException {
        Map<String, String> names = coreSettingNames();
        assertTrue(names.keySet().containsAll(Set.of("learningRate", "hidden", "decay", "modelOut", "runId",
                "forceNewRun", "driverMemory", "executorMemory", "maxTestErrorPct", "mirror", "progress")),
                "the scan finds the core's names: " + names.keySet());
        Set<String> typed = new TreeSet<>(CommandLineOptions.picocli());
        typed.addAll(CommandLineOptions.submitSh());
        Set<String> missing = new TreeSet<>();
        names.forEach((name, file) -> {
            if (!typed.contains(SettingFlags.flag(name))) {
                missing.add(file + ": " + name + " -> " + SettingFlags.flag(name));
            }
        });
        assertEquals(Set.of(), missing, "flags that no command or submit.sh takes: derive them (camelCase to "
                + "--kebab-case) or list the exception in SettingFlags.EXCEPTIONS");
    }

    @Test
    void theExceptionsAreRealFlagsThatTheRuleWouldNotGive() throws IOException {
        Set<String> options = CommandLineOptions.picocli();
        SettingFlags.EXCEPTIONS.forEach((name, flag) -> {
            assertTrue(options.contains(flag), name + " -> " + flag + ": no such option");
            assertNotEquals("--" + String.join("-", SettingWords.words(name)), flag, name + ": the rule gives it");
        });
        assertEquals("--batch-size", SettingFlags.flag("batchSize"));
        assertEquals("--driver-memory", SettingFlags.flag("driverMemory"));
        assertEquals("--lr", SettingFlags.flag("learningRate"));
        assertEquals(java.util.List.of("max", "test", "error", "pct"), SettingWords.words("maxTestErrorPct"));
    }

    @Test
    void settingsAreRenderedInTheCallersWordsAndValuesAreNotTakenForSettings() {
        BadInputException e = BadInputException.about("/models/m{}", "already exists; choose another ",
                SettingWords.setting("modelOut"), " or pass ", SettingWords.setting("overwrite"));
        assertEquals("/models/m{}: already exists; choose another modelOut or pass overwrite", e.getMessage());
        assertEquals("/models/m{}: already exists; choose another --model-out or pass --overwrite",
                e.message(SettingFlags::flag));
        CommandFailure f = new CommandFailure(SettingWords.of("lower ", SettingWords.setting("learningRate")));
        assertEquals("lower learningRate", f.getMessage());
        assertEquals("lower --lr", f.message(SettingFlags::flag));
        assertEquals("plain", new BadInputException("plain").message(SettingFlags::flag), "a message without settings is as is");
        assertEquals("--lr-step-epochs must be at least 1, got 0",
                SettingFlags.message(new InvalidSettingException("{} must be at least 1, got 0", "stepEpochs")));
    }

    @Test
    void coreFailuresNamingSettingsReachTheUserAsFlags() {
        DivergedException diverged = assertThrows(DivergedException.class,
                () -> new DivergenceGuard(2).onStep(new StepProgress(1, 1, 1, 3, 10, 1e6, 0, 0, 10)));
        assertEquals(true, diverged.getMessage().contains("; lower learningRate; "), diverged.getMessage());
        assertEquals(true, Main.errorLine(diverged, false).contains("; lower --lr; nothing was saved or promoted"),
                Main.errorLine(diverged, false));

        IllegalArgumentException factor = assertThrows(IllegalArgumentException.class, () -> DivergenceGuard.checkFactor(1));
        assertEquals("error: --max-loss-factor must be a number above 1, got 1.0", Main.errorLine(factor, false));

        BadInputException partitions = assertThrows(BadInputException.class, () -> MemoryEstimate.checkPartitions(0, 10));
        assertEquals("error: --partitions 0: must be at least 1", Main.errorLine(partitions, false));

        BadInputException memory = assertThrows(BadInputException.class, () -> MemoryEstimate.of(784, 100_000, 10,
                shallownet.train.TrainingConfig.seedRecipe(), 60_000)
                .check(new MemoryEstimate.Budget(1L << 30, 0, 2), "--hidden 100000"));
        assertEquals(true, Main.errorLine(memory, false).endsWith(" (--driver-memory)"), Main.errorLine(memory, false));
    }
}
