package shallownet.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import shallownet.BadInputException;

/** Pictures drawn here made into MNIST's form: box fitted into 20x20, centre of mass at (14, 14), ink light on dark. */
class DigitImageTest {

    /** A digit-like "7", 20 rows tall, with grey edges (not centred). */
    private static byte[] mnistLikeSeven() {
        byte[] p = new byte[28 * 28];
        for (int x = 9; x <= 19; x++) {          // the top bar, rows 5-6
            p[5 * 28 + x] = (byte) 255;
            p[6 * 28 + x] = (byte) 120;
        }
        for (int y = 7; y <= 24; y++) {          // the stroke down to the left, rows 7-24
            int x = 19 - (y - 7) * 8 / 17;
            p[y * 28 + x] = (byte) 255;
            p[y * 28 + x - 1] = (byte) 60;
        }
        return p;
    }

    private static BufferedImage gray(byte[] pixels, int side) {
        // A grey PNG as other programs write one: the samples are the levels.
        BufferedImage im = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                im.getRaster().setSample(x, y, 0, pixels[y * side + x] & 0xff);
            }
        }
        return im;
    }

    /** Black on white, {@code factor} times larger (smooth scaling), with a white margin. */
    private static BufferedImage blackOnWhite(byte[] pixels, int factor, int margin) {
        BufferedImage small = gray(pixels, 28);
        int side = 28 * factor + 2 * margin;
        BufferedImage im = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, side, side);
        BufferedImage inverted = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = 255 - (pixels[y * 28 + x] & 0xff);
                inverted.setRGB(x, y, new Color(v, v, v).getRGB());
            }
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(inverted, margin, margin, 28 * factor, 28 * factor, null);
        g.dispose();
        return im;
    }

    private static double meanAbsDifference(byte[] a, byte[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return s / a.length;
    }

    private static int[] box(byte[] p) {
        int top = 28, bottom = -1, left = 28, right = -1;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (p[y * 28 + x] != 0) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        return new int[] {top, bottom, left, right};
    }

    private static double[] centreOfMass(byte[] p) {
        double m = 0, my = 0, mx = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = p[y * 28 + x] & 0xff;
                m += v;
                my += v * y;
                mx += v * x;
            }
        }
        return new double[] {my / m, mx / m};
    }

    private static byte[] png(BufferedImage im, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(im, format, out), format);
        return out.toByteArray();
    }

    @Test
    void aPreparedDigitPreparedAgainIsUnchanged() throws Exception {
        // What scoring MNIST's own digits written as PNGs relies on: their form is a fixed point.
        byte[] once = DigitImage.prepare(gray(mnistLikeSeven(), 28), "seven.png");
        int[] b = box(once);
        assertEquals(20, Math.max(b[1] - b[0] + 1, b[3] - b[2] + 1), "longer side of the box: 20 pixels");
        double[] c = centreOfMass(once);
        assertTrue(Math.abs(c[0] - 14) <= 0.5 && Math.abs(c[1] - 14) <= 0.5, "centred: " + c[0] + "," + c[1]);
        byte[] file = png(gray(once, 28), "png");
        assertArrayEquals(once, DigitImage.read(new ByteArrayInputStream(file), "seven.png"));
    }

    @Test
    void blackOnWhiteLargerWithAMarginComesBackClose() throws Exception {
        byte[] seven = DigitImage.prepare(gray(mnistLikeSeven(), 28), "seven.png");
        byte[] prepared = DigitImage.prepare(blackOnWhite(seven, 4, 30), "big.png");
        int[] b = box(prepared);
        assertEquals(20, Math.max(b[1] - b[0] + 1, b[3] - b[2] + 1), "longer side of the box: 20 pixels");
        double[] c = centreOfMass(prepared);
        assertTrue(Math.abs(c[0] - 14) <= 0.5 && Math.abs(c[1] - 14) <= 0.5, "centred: " + c[0] + "," + c[1]);
        assertTrue(meanAbsDifference(seven, prepared) < 12, "mean |difference| " + meanAbsDifference(seven, prepared));
    }

    @Test
    void theBoxKeepsItsAspectAndTheInkIsCentred() {
        BufferedImage bar = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = bar.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 300, 200);
        g.setColor(Color.BLACK);
        g.fillRect(50, 100, 200, 40);   // 5:1, left of centre and low
        g.dispose();
        byte[] p = DigitImage.prepare(bar, "bar.png");
        int[] b = box(p);
        assertEquals(20, b[3] - b[2] + 1, "width");
        assertEquals(4, b[1] - b[0] + 1, "height: 40 / 200 * 20");
        double[] c = centreOfMass(p);
        assertEquals(14, c[0], 0.5);
        assertEquals(14, c[1], 0.5);
        assertEquals(255, p[b[0] * 28 + b[2] + 5] & 0xff, "full ink");
    }

    @Test
    void lightAndDarkBackgroundsAndTransparencyGiveTheSameDigit() {
        byte[] seven = mnistLikeSeven();
        byte[] dark = DigitImage.prepare(gray(seven, 28), "dark.png");
        BufferedImage light = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        BufferedImage transparent = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = seven[y * 28 + x] & 0xff;
                light.setRGB(x, y, new Color(255 - v, 255 - v, 255 - v).getRGB());
                transparent.setRGB(x, y, new Color(0, 0, 0, v).getRGB());   // black ink, alpha = ink
            }
        }
        assertArrayEquals(dark, DigitImage.prepare(light, "light.png"));
        assertArrayEquals(dark, DigitImage.prepare(transparent, "transparent.png"));
    }

    @Test
    void aJpegOnGreyPaperComesBackClose() throws Exception {
        byte[] seven = DigitImage.prepare(gray(mnistLikeSeven(), 28), "seven.png");
        BufferedImage big = blackOnWhite(seven, 4, 30);
        for (int y = 0; y < big.getHeight(); y++) {
            for (int x = 0; x < big.getWidth(); x++) {
                int v = (big.getRGB(x, y) & 0xff) * 200 / 255 + 20;   // paper at 220, ink at 20
                big.setRGB(x, y, new Color(v, v, v).getRGB());
            }
        }
        byte[] prepared = DigitImage.read(new ByteArrayInputStream(png(big, "jpg")), "photo.jpg");
        int[] b = box(prepared);
        assertEquals(20, Math.max(b[1] - b[0] + 1, b[3] - b[2] + 1), "the paper's grain is not ink");
        assertTrue(meanAbsDifference(seven, prepared) < 20, "mean |difference| " + meanAbsDifference(seven, prepared));
    }

    @Test
    void notAnImageAndABlankImageAreOneClearError() {
        byte[] text = "3,7,1\n".getBytes(StandardCharsets.UTF_8);
        BadInputException e = assertThrows(BadInputException.class,
                () -> DigitImage.read(new ByteArrayInputStream(text), "notes.png"));
        assertEquals("notes.png: not a PNG or JPEG image (javax.imageio reads neither from it)", e.getMessage());
        BufferedImage blank = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        e = assertThrows(BadInputException.class, () -> DigitImage.prepare(blank, "blank.png"));
        assertEquals("blank.png: shows no digit: the image is of one shade", e.getMessage());
    }

    @Test
    void pngAndJpegAreRecognisedByTheirFirstBytes() throws Exception {
        BufferedImage im = gray(mnistLikeSeven(), 28);
        assertTrue(DigitImage.looksLikeImage(png(im, "png"), 8));
        assertTrue(DigitImage.looksLikeImage(png(im, "jpg"), 8));
        byte[] idx = {0, 0, 8, 3, 0, 0, 0, 1};
        assertFalse(DigitImage.looksLikeImage(idx, 8));
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0};
        assertFalse(DigitImage.looksLikeImage(gzip, 4));
    }
}
