package shallownet.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.awt.image.RenderedImage;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

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
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(image(pixels, rows, cols, 1)));
    }

    /**
     * An image encoded as PNG in memory. {@code ImageIO.write} to a stream would cache through a
     * temporary file, whose failure on a full disk leaves a half-open stream that ImageIO's
     * shutdown hook then reports as a NullPointerException trace after our error line.
     */
    public static byte[] png(RenderedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
