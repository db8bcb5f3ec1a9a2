package shallownet.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.run.OutputPaths;
import shallownet.AtomicFile;
import shallownet.report.DigitImage;
import shallownet.BadInputException;
import shallownet.data.BlockReader;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.Labels;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one digit as text with its label and one-hot code (the notebook's Q2, Q5); with --png also as a PNG with its label.")
final class ShowCommand implements Callable<Integer> {

    private static final String SHADES = " .:-=+*#%@";

    @Mixin CommonOptions common;

    @Mixin DataOptions.WithClasses data;

    @Option(names = "--index", defaultValue = "42",
            description = "Sample index (default: ${DEFAULT-VALUE}, as in the notebook).") int index;

    @Option(names = "--set", defaultValue = "train", description = "train or test (default: ${DEFAULT-VALUE}).") String set;

    @Option(names = "--png", description = "Also write the digit, enlarged, with its label, as a PNG.") String png;

    @Override
    public Integer call() throws Exception {
        Configuration conf = DriverHadoopConf.get();
        new OutputPaths(conf).input("--data", data.orDefault()).file("--png", png, "digit.png");
        if (!set.equals("train") && !set.equals("test")) {
            throw new IllegalArgumentException("--set must be train or test, got " + set);
        }
        LabeledIdxFiles files = data.files(conf, set.equals("train"));
        if (index < 0 || index >= files.count()) {
            throw BadInputException.about(files.imagesPath(), "--index " + index + " is out of range 0.." + (files.count() - 1));
        }
        SampleBlock b = BlockReader.read(conf, files, index, 1, 1).get(0);
        int label = b.label(0);
        for (int r = 0; r < files.rows(); r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < files.cols(); c++) {
                int v = b.pixels()[r * files.cols() + c] & 0xff;
                char ch = SHADES.charAt(v * (SHADES.length() - 1) / 255);
                line.append(ch).append(ch);
            }
            System.out.println(line.toString().stripTrailing());
        }
        System.out.println(set + " image " + index + ": label " + label);
        System.out.println("one-hot code " + Arrays.toString(Labels.toOneHot(new byte[] {(byte) label}, data.classes)));
        if (png != null) {
            AtomicFile.write(conf, png, DigitImage.png(render(b.pixels(), files.rows(), files.cols(),
                    set + " #" + index + "  label " + label)));
            System.out.println("wrote " + png);
        }
        return ExitCode.OK.code();
    }

    /** The digit black on white, 8x enlarged, with a caption under it. */
    static BufferedImage render(byte[] pixels, int rows, int cols, String caption) {
        int scale = 8;
        int captionHeight = 24;
        BufferedImage img = new BufferedImage(cols * scale, rows * scale + captionHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int v = 255 - (pixels[r * cols + c] & 0xff);
                g.setColor(new Color(v, v, v));
                g.fillRect(c * scale, r * scale, scale, scale);
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(caption, 6, rows * scale + 17);
        g.dispose();
        return img;
    }
}
