package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import shallownet.testutil.RealMnist;

/** The commands that need no Spark job, on real MNIST: info and show give the notebook's answers. */
class CommandsMnistIT {

    @TempDir
    Path tmp;

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
}
