package shallownet.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import shallownet.BadInputException;

/**
 * A picture of one digit (PNG, JPEG: a scan, a phone photo, a drawing) made into a 28x28 image the
 * way MNIST's digits were made: grayscale ink on a black background (inverted when the background
 * is light), the ink's bounding box scaled so that its longer side is 20 pixels keeping the aspect
 * (anti-aliased: each pixel the mean of the area it covers), then placed in 28x28 so that the
 * centre of mass of the ink is at pixel (14, 14) (MNIST's test digits: mean 13.99, 14.01, in row
 * and column indices). Pure: no Spark, no Hadoop.
 */
public final class DigitImage {

    /** MNIST's size. */
    public static final int SIDE = 28;
    /** The longer side of the digit's box within {@link #SIDE}. */
    static final int BOX = 20;
    /**
     * The least ink, as a share of the most, of a pixel that counts for the bounding box of a
     * large picture (less for one near MNIST's scale, 0 at it). Measured on MNIST test digits
     * (numpy, the same steps): brought back from a bilinear 4x enlargement, they are 7.0 grey levels
     * from the original on average at 0.15 (the share at 4x), 8.7 with every pixel counted; the
     * enlargement's blur alone accounts for 5.0.
     */
    static final double BOX_INK = 0.2;
    /** Where the ink's centre of mass goes, in pixel indices. */
    static final double CENTRE = 14.0;

    private DigitImage() {
    }

    /** True if {@code head} (a file's first bytes) starts like a PNG or a JPEG. */
    public static boolean looksLikeImage(byte[] head, int n) {
        boolean png = n >= 4 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
        boolean jpeg = n >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff;
        return png || jpeg;
    }

    /**
     * Reads an image with the JDK's {@code javax.imageio} and prepares it ({@link #prepare}).
     *
     * @param name the file, for the message of a file that is not a readable image
     * @throws BadInputException if it is not a readable image or shows no ink
     */
    public static byte[] read(InputStream in, String name) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(in);
        } catch (javax.imageio.IIOException | RuntimeException e) {
            throw BadInputException.about(name, "not a readable PNG or JPEG image (" + e.getMessage() + ")");
        }
        if (image == null) {
            throw BadInputException.about(name, "not a PNG or JPEG image (javax.imageio reads neither from it)");
        }
        return prepare(image, name);
    }

    /** The 28x28 pixels, row by row, 0 (background) to 255 (ink), as MNIST's IDX files hold them. */
    public static byte[] prepare(BufferedImage image, String name) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[] ink = ink(image);
        // Ink against the background: the background's level (most of the border is background) is
        // subtracted, so that a grey paper or a JPEG's noise is not taken for ink.
        double floor = borderLevel(ink, w, h);
        double max = 0;
        for (int i = 0; i < ink.length; i++) {
            ink[i] = Math.max(0, ink[i] - floor);
            max = Math.max(max, ink[i]);
        }
        if (max <= 0) {
            throw BadInputException.about(name, "shows no digit: the image is of one shade");
        }
        for (int i = 0; i < ink.length; i++) {
            ink[i] = ink[i] * 255 / max;
        }
        // The ink's bounding box. At MNIST's scale (a box of 20 pixels or less) every grey pixel is
        // the edge of a stroke, as MNIST's anti-aliasing made it, and counts. In a larger picture
        // the faint halo of blur (a photo, a smooth enlargement) and stray specks would widen the
        // box and shrink the digit: pixels fainter than a share of the darkest, growing to BOX_INK
        // with the size, do not count.
        int[] all = box(ink, w, h, 0);
        double least = BOX_INK * Math.max(0, 1 - (double) BOX / Math.max(all[2] - all[0] + 1, all[3] - all[1] + 1));
        int[] b = least > 0 ? box(ink, w, h, least * 255) : all;
        int top = b[0];
        int left = b[1];
        int bottom = b[2];
        int right = b[3];
        int bw = right - left + 1;
        int bh = bottom - top + 1;
        double scale = (double) BOX / Math.max(bw, bh);
        int sw = Math.max(1, (int) Math.round(bw * scale));
        int sh = Math.max(1, (int) Math.round(bh * scale));
        double[] box = resample(ink, w, left, top, bw, bh, sw, sh);
        // Centre of mass of the scaled box, then the whole-pixel shift that puts it at CENTRE.
        double mass = 0;
        double my = 0;
        double mx = 0;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                double v = box[y * sw + x];
                mass += v;
                my += v * y;
                mx += v * x;
            }
        }
        int dy = (int) Math.round(CENTRE - my / mass);
        int dx = (int) Math.round(CENTRE - mx / mass);
        byte[] out = new byte[SIDE * SIDE];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int ty = y + dy;
                int tx = x + dx;
                if (ty >= 0 && ty < SIDE && tx >= 0 && tx < SIDE) {
                    out[ty * SIDE + tx] = (byte) Math.min(255, (int) Math.round(box[y * sw + x]));
                }
            }
        }
        return out;
    }

    /** {top, left, bottom, right} of the pixels with more ink than {@code least}. */
    private static int[] box(double[] ink, int w, int h, double least) {
        int top = h;
        int bottom = -1;
        int left = w;
        int right = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (ink[y * w + x] > least) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        return new int[] {top, left, bottom, right};
    }

    /** Ink per pixel, 0-255: luminance over white (transparent pixels are paper), inverted when the paper is light. */
    private static double[] ink(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[] gray = new double[w * h];
        java.awt.image.Raster raster = image.getRaster();
        java.awt.image.ColorModel cm = image.getColorModel();
        boolean grayModel = cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && raster.getNumBands() == (cm.hasAlpha() ? 2 : 1);
        // A grey image's samples are read as they are: getRGB converts them through a linear
        // colour space and would change a 0-255 level written by any other program.
        double full = grayModel ? (1 << cm.getComponentSize(0)) - 1 : 255;
        double fullAlpha = grayModel && cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 255;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grayModel) {
                    double a = cm.hasAlpha() ? raster.getSample(x, y, 1) * 255 / fullAlpha : 255;
                    double lum = raster.getSample(x, y, 0) * 255 / full;
                    gray[y * w + x] = (a * lum + (255 - a) * 255.0) / 255;
                    continue;
                }
                int argb = image.getRGB(x, y);
                int a = argb >>> 24;
                int r = argb >> 16 & 0xff;
                int g = argb >> 8 & 0xff;
                int b = argb & 0xff;
                // A grey pixel's level as it is (the weights' rounding would move it).
                double lum = r == g && g == b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
                gray[y * w + x] = (a * lum + (255 - a) * 255.0) / 255;
            }
        }
        double border = 0;
        int n = 0;
        for (int i : borderIndices(w, h)) {
            border += gray[i];
            n++;
        }
        if (border / n > 127.5) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = 255 - gray[i];
            }
        }
        return gray;
    }

    /**
     * The background's ink level, noise included: the level 90 % of the border's pixels do not
     * exceed plus the border's spread (90th minus 10th percentile); 0 for a clean background.
     */
    private static double borderLevel(double[] ink, int w, int h) {
        int[] idx = borderIndices(w, h);
        double[] v = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            v[i] = ink[idx[i]];
        }
        Arrays.sort(v);
        double p90 = v[(int) Math.floor(0.9 * (v.length - 1))];
        double p10 = v[(int) Math.floor(0.1 * (v.length - 1))];
        return p90 + (p90 - p10);
    }

    private static int[] borderIndices(int w, int h) {
        java.util.LinkedHashSet<Integer> s = new java.util.LinkedHashSet<>();
        for (int x = 0; x < w; x++) {
            s.add(x);
            s.add((h - 1) * w + x);
        }
        for (int y = 0; y < h; y++) {
            s.add(y * w);
            s.add(y * w + w - 1);
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The box (left, top, bw, bh) of {@code src} (width {@code w}) resampled to sw x sh: each
     * output pixel is the mean of the source area it covers (exact fractional overlaps), which
     * anti-aliases a reduction and keeps an enlargement's pixels as they were.
     */
    private static double[] resample(double[] src, int w, int left, int top, int bw, int bh, int sw, int sh) {
        double[][] wx = weights(bw, sw);
        double[][] wy = weights(bh, sh);
        // Columns first, then rows (the filter is separable).
        double[] rows = new double[bh * sw];
        for (int y = 0; y < bh; y++) {
            for (int x = 0; x < sw; x++) {
                double s = 0;
                for (int i = 0; i < bw; i++) {
                    s += wx[x][i] * src[(top + y) * w + left + i];
                }
                rows[y * sw + x] = s;
            }
        }
        double[] out = new double[sh * sw];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                double s = 0;
                for (int j = 0; j < bh; j++) {
                    s += wy[y][j] * rows[j * sw + x];
                }
                out[y * sw + x] = s;
            }
        }
        return out;
    }

    /** weights[o][i]: the share of source pixel i in output pixel o (each row sums to 1). */
    private static double[][] weights(int n, int m) {
        double[][] wts = new double[m][n];
        double step = (double) n / m;
        for (int o = 0; o < m; o++) {
            double a = o * step;
            double b = (o + 1) * step;
            for (int i = (int) Math.floor(a); i < Math.min(n, (int) Math.ceil(b)); i++) {
                double overlap = Math.min(b, i + 1) - Math.max(a, i);
                if (overlap > 0) {
                    wts[o][i] = overlap / step;
                }
            }
        }
        return wts;
    }
}
