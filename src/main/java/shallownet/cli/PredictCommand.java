package shallownet.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.AtomicFile;
import shallownet.BadInputException;
import shallownet.idx.IdxImages;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.NetworkKernel;

@Command(name = "predict", mixinStandardHelpOptions = true, description = "Predicted labels of an IDX image file, written as CSV (index,label[,p0..]).")
final class PredictCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Model directory.")
    String model;

    @Option(names = "--images", required = true, description = "IDX image file (raw or .gz).")
    String images;

    @Option(names = "--out", required = true, description = "Output CSV file.")
    String out;

    @Option(names = "--probabilities", description = "Also write the softmax output of every class.")
    boolean probabilities;

    /** Pixels read per block: bounded memory whatever the image count (4 MB, a multiple of the kernel's chunk at 28x28). */
    static final int BLOCK_BYTES = 4 << 20;

    @Override
    public Integer call() throws Exception {
        Configuration conf = DriverHadoopConf.get();
        new OutputPaths(conf).input("--model", model).input("--images", images).file("--out", out);
        SavedModel m = ModelFiles.load(conf, model);
        long written;
        try (IdxImages x = IdxImages.open(conf, images)) {
            if (x.pixelsPerImage() != m.shape().inputs()) {
                throw BadInputException.about(images, "images have " + x.pixelsPerImage() + " pixels, the model "
                        + model + " takes " + m.shape().inputs());
            }
            // Through a hidden sibling renamed into place: a failure (bad input found half-way, a
            // full disk, an interruption) leaves no truncated CSV and keeps a file that was there.
            try (AtomicFile f = AtomicFile.create(conf, out);
                 BufferedWriter w = new BufferedWriter(new OutputStreamWriter(f.stream(), StandardCharsets.UTF_8), 1 << 16)) {
                written = predictInto(w, x, m);
                w.flush();
                f.commit();
            }
        }
        if (!common.quiet) {
            System.err.println("wrote " + written + " predictions to " + out);
        }
        return ExitCode.OK.code();
    }

    /** Predicts block after block, writing each block's lines before reading the next. */
    private long predictInto(BufferedWriter w, IdxImages x, SavedModel m) throws IOException {
        int classes = m.shape().outputs();
        int perBlock = Math.max(1, Math.min(x.count(), BLOCK_BYTES / x.pixelsPerImage()));
        byte[] pixels = new byte[perBlock * x.pixelsPerImage()];
        int[] labels = new int[perBlock];
        float[] probs = probabilities ? new float[perBlock * classes] : null;
        NetworkKernel kernel = NetworkKernel.forThread(m.shape());
        w.write("index,label");
        for (int c = 0; probabilities && c < classes; c++) {
            w.write(",p" + c);
        }
        w.newLine();
        long index = 0;
        for (int n; (n = x.next(pixels)) > 0; ) {
            kernel.predict(m.params(), pixels, 0, n, labels, 0, probs);
            for (int i = 0; i < n; i++, index++) {
                w.write(index + "," + labels[i]);
                for (int c = 0; probabilities && c < classes; c++) {
                    w.write("," + probs[i * classes + c]);
                }
                w.newLine();
            }
        }
        return index;
    }
}
