package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.RealMnist;

/** The commands that need no Spark job: gradcheck, info, show, and the shipped configuration. */
class CommandsTest {

    @TempDir
    Path tmp;

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
    void infoGivesTheNotebooksShapesAndRanges() {
        CliRunner.Outcome r = CliRunner.run("info", "--data", RealMnist.dir());
        assertEquals(0, r.exitCode(), r.err());
        // Q1, Q3, Q4
        assertTrue(r.out().contains("(784, 60000)"), r.out());
        assertTrue(r.out().contains("(784, 10000)"), r.out());
        assertTrue(r.out().contains("pixel range [0, 255] (uint8); normalised -1 + 2x/255: [-1.0, 1.0]"), r.out());
        assertTrue(r.out().contains("0:5923 1:6742"), r.out());
    }

    @Test
    void showDrawsImage42WithLabel7AsTextAndPng() throws Exception {
        Path png = tmp.resolve("d.png");
        CliRunner.Outcome r = CliRunner.run("show", "--data", RealMnist.dir(), "--index", "42", "--png", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        // Q2 and Q5: the digit at index 42 is a 7, one-hot [0 0 0 0 0 0 0 1 0 0]
        assertTrue(r.out().contains("train image 42: label 7"), r.out());
        assertTrue(r.out().contains("[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]"), r.out());
        assertTrue(r.out().lines().limit(28).anyMatch(l -> l.contains("@@")), "ink drawn as text");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(28 * 8, img.getWidth());
        assertTrue(img.getHeight() > 28 * 8);
        assertTrue(Files.size(png) > 500);
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
