package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** The commands that need no Spark job and no data: help, gradcheck, and the shipped configuration. */
class CommandsTest {

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("train", "evaluate", "predict", "show", "info", "gradcheck", "fetch", "retrain",
                "models", "models list", "models show", "models promote", "models rollback")) {
            String[] args = (command + " --help").split(" ");
            CliRunner.Outcome r = CliRunner.run(args);
            assertEquals(0, r.exitCode(), command + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: shallownet " + command), r.out());
            assertTrue(r.err().isEmpty(), "no picocli warnings: " + r.err());
        }
    }

    @Test
    void gradcheckPrintsBothRelativeErrorsBelowTheBound() {
        CliRunner.Outcome r = CliRunner.run("gradcheck");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String line : lines) {
            double e = Double.parseDouble(line.replaceAll(".*relative error (\\S+) .*", "$1"));
            assertTrue(e < 1e-6 && e > 0, line);
        }
    }

    @Test
    void confModuleOptionsAreSparksAndTheTestsRunWithThem() throws Exception {
        Path conf = Path.of(System.getProperty("shallownet.project.dir", "."), "conf", "java-module-options");
        String shipped = Files.readString(conf).strip();
        assertEquals(JavaModuleOptions.defaultModuleOptions(), shipped,
                "conf/java-module-options must be Spark's JavaModuleOptions for this Spark version");
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String option : shipped.split(" ")) {
            assertTrue(jvm.contains(option), "surefire argLine lacks " + option);
        }
    }
}
