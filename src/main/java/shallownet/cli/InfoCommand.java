package shallownet.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import shallownet.data.BlockReader;
import shallownet.data.SampleBlock;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkKernel;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Shapes, counts, pixel ranges and label histograms of a data directory (the notebook's Q1, Q3, Q4).")
final class InfoCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Mixin DataOptions.WithClasses data;

    @Override
    public Integer call() throws Exception {
        Configuration conf = DriverHadoopConf.get();
        describe("training set", data.files(conf, true), conf);
        describe("test set", data.files(conf, false), conf);
        return ExitCode.OK.code();
    }

    private void describe(String name, LabeledIdxFiles f, Configuration conf) throws Exception {
        SampleBlock b = BlockReader.readAll(conf, f);
        int min = 255;
        int max = 0;
        for (byte p : b.pixels()) {
            min = Math.min(min, p & 0xff);
            max = Math.max(max, p & 0xff);
        }
        long[] histogram = new long[data.classes];
        for (int i = 0; i < b.count(); i++) {
            histogram[b.label(i)]++;
        }
        System.out.println(name + ":");
        System.out.println("  images  " + f.imagesPath() + "  sha256 " + f.imagesSha256());
        System.out.println("  labels  " + f.labelsPath() + "  sha256 " + f.labelsSha256());
        System.out.printf("  shape of x (features x samples) (%d, %d); shape of labels (%d,)%n",
                f.pixelsPerImage(), f.count(), f.count());
        System.out.printf("  %d samples of %dx%d = %d features%n", f.count(), f.rows(), f.cols(), f.pixelsPerImage());
        if (b.count() > 0) {
            System.out.printf("  pixel range [%d, %d] (uint8); normalised -1 + 2x/255: [%s, %s]%n", min, max,
                    NetworkKernel.scalePixel((byte) min), NetworkKernel.scalePixel((byte) max));
        }
        StringBuilder h = new StringBuilder("  label histogram:");
        for (int c = 0; c < data.classes; c++) {
            h.append(String.format(" %d:%d", c, histogram[c]));
        }
        System.out.println(h);
    }
}
