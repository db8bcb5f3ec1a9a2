package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.AppJar;
import shallownet.testutil.MnistSlice;
import shallownet.testutil.Script;
import shallownet.testutil.StandaloneCluster;

/**
 * Issue 21's acceptance, through {@code ./submit.sh predict}: 200 real MNIST test digits written as
 * 28x28 grey PNGs get the labels the IDX file gets (at least 99 % the same), and the same digits
 * drawn black on white, 4x larger, with a margin, at least 95 %; one PNG gives one row.
 */
class PredictImagesIT {

    static final int DIGITS = 200;

    @TempDir
    static Path tmp;

    static Path appJar;
    static Path data;
    static Path model;

    @BeforeAll
    static void trainAModel() throws Exception {
        appJar = AppJar.build(tmp.resolve("shallownet-app.jar"));
        data = MnistSlice.write(tmp.resolve("data"), 10_000, DIGITS);
        model = tmp.resolve("model");
        Script.Result r = submit(tmp.resolve("train.log"), "train", "--data", data.toString(), "--epochs", "2",
                "--model-out", model.toString(), "--progress", "off", "--master", "local[2]");
        assertEquals(0, r.exitCode(), r.output());
    }

    static Script.Result submit(Path log, String... args) throws Exception {
        List<String> cmd = Stream.concat(Stream.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString()),
                Stream.of(args)).toList();
        return Script.run(cmd, Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(),
                "SHALLOWNET_JAR", appJar.toString()), log, 600);
    }

    /** The test digits of the slice, 784 unsigned bytes each. */
    static List<byte[]> testDigits() throws IOException {
        List<byte[]> digits = new ArrayList<>();
        try (InputStream f = Files.newInputStream(data.resolve("t10k-images-idx3-ubyte"));
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(f))) {
            in.skipNBytes(16);
            for (int i = 0; i < DIGITS; i++) {
                byte[] d = new byte[28 * 28];
                in.readFully(d);
                digits.add(d);
            }
        }
        return digits;
    }

    static BufferedImage asIs(byte[] d) {
        BufferedImage im = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < d.length; i++) {
            im.getRaster().setSample(i % 28, i / 28, 0, d[i] & 0xff);
        }
        return im;
    }

    /** Black on white, 4x larger (smoothly scaled), with a white margin of 24 pixels, in colour. */
    static BufferedImage drawn(byte[] d) {
        BufferedImage inverted = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < d.length; i++) {
            int v = 255 - (d[i] & 0xff);
            inverted.setRGB(i % 28, i / 28, new Color(v, v, v).getRGB());
        }
        int side = 4 * 28 + 2 * 24;
        BufferedImage im = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(inverted, 24, 24, 4 * 28, 4 * 28, null);
        g.dispose();
        return im;
    }

    static Path writeAll(Path dir, java.util.function.Function<byte[], BufferedImage> draw) throws IOException {
        Files.createDirectories(dir);
        List<byte[]> digits = testDigits();
        for (int i = 0; i < digits.size(); i++) {
            ImageIO.write(draw.apply(digits.get(i)), "png", dir.resolve(String.format("digit-%03d.png", i)).toFile());
        }
        Files.writeString(dir.resolve("README.txt"), "not an image: ignored\n");
        return dir;
    }

    /** index -> label of predict on the IDX file. */
    static Map<Integer, Integer> idxLabels() throws Exception {
        Path csv = tmp.resolve("idx.csv");
        Script.Result r = submit(tmp.resolve("predict-idx.log"), "predict", "--model", model.toString(), "--images",
                data.resolve("t10k-images-idx3-ubyte").toString(), "--out", csv.toString());
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("index,label", lines.get(0));
        Map<Integer, Integer> labels = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            labels.put(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
        }
        assertEquals(DIGITS, labels.size());
        return labels;
    }

    /** The share of the directory's images whose label is the IDX path's label of the same digit. */
    static double agreement(Path dir, String name) throws Exception {
        Map<Integer, Integer> idx = idxLabels();
        Path csv = tmp.resolve(name + ".csv");
        Script.Result r = submit(tmp.resolve("predict-" + name + ".log"), "predict", "--model", model.toString(),
                "--images", dir.toString(), "--out", csv.toString(), "--probabilities");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("wrote " + DIGITS + " predictions to " + csv), r.output());
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("index,file,label,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9", lines.get(0));
        assertEquals(DIGITS + 1, lines.size(), "one row per image, README.txt ignored");
        int same = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            int digit = Integer.parseInt(f[1].substring("digit-".length(), "digit-".length() + 3));
            if (idx.get(digit) == Integer.parseInt(f[2])) {
                same++;
            }
        }
        double share = (double) same / DIGITS;
        System.out.printf("PredictImagesIT: %s: %d of %d (%.1f %%) agree with the IDX path%n", name, same, DIGITS, 100 * share);
        return share;
    }

    @Test
    void mnistDigitsWrittenAsPngsGetTheIdxLabels() throws Exception {
        double share = agreement(writeAll(tmp.resolve("as-is"), PredictImagesIT::asIs), "as-is");
        assertTrue(share >= 0.99, "agreement " + share);
    }

    @Test
    void theSameDigitsDrawnBlackOnWhiteLargerWithAMarginMostlyGetTheIdxLabels() throws Exception {
        double share = agreement(writeAll(tmp.resolve("drawn"), PredictImagesIT::drawn), "drawn");
        assertTrue(share >= 0.95, "agreement " + share);
    }

    @Test
    void onePngGivesOneRowAndATextFileIsOneError() throws Exception {
        Path png = tmp.resolve("one digit.png");
        ImageIO.write(drawn(testDigits().get(0)), "png", png.toFile());
        Path csv = tmp.resolve("one.csv");
        Script.Result r = submit(tmp.resolve("predict-one.log"), "predict", "--model", model.toString(), "--images",
                png.toString(), "--out", csv.toString());
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertEquals("index,file,label", lines.get(0));
        assertEquals("0," + png + "," + idxLabels().get(0), lines.get(1));

        Path text = Files.writeString(tmp.resolve("labels.txt"), "7,2,1\n");
        r = submit(tmp.resolve("predict-text.log"), "predict", "--model", model.toString(), "--images", text.toString(),
                "--out", tmp.resolve("text.csv").toString());
        assertEquals(2, r.exitCode(), r.output());
        assertEquals("error: " + text + ": neither a PNG or JPEG image nor an IDX image file (raw or .gz); --images takes one of "
                + "those, or a directory of images", r.output().strip());
    }
}
