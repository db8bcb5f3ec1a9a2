package shallownet.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** A digit's uint8 pixels as an image, black on white as on paper (the {@code show} command's look). */
public final class DigitImage {

    private DigitImage() {
    }

    /** The digit enlarged {@code scale} times, each pixel a {@code scale x scale} square. */
    public static BufferedImage image(byte[] pixels, int rows, int cols, int scale) {
        if (pixels.length != rows * cols) {
            throw new IllegalArgumentException(pixels.length + " pixels for a " + rows + "x" + cols + " image");
        }
        BufferedImage img = new BufferedImage(cols * scale, rows * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < rows * scale; r++) {
            for (int c = 0; c < cols * scale; c++) {
                int v = 255 - (pixels[(r / scale) * cols + c / scale] & 0xff);
                img.getRaster().setSample(c, r, 0, v);
            }
        }
        return img;
    }

    /** The digit at its own size as a {@code data:image/png;base64,...} URI (the page scales it). */
    public static String pngDataUri(byte[] pixels, int rows, int cols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image(pixels, rows, cols, 1), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
