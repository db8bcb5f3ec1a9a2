package shallownet.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.BadInputException;
import shallownet.HadoopFiles;
import shallownet.idx.IdxImages;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.NetworkKernel;
import shallownet.store.StoreFiles;

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
        Configuration conf = new Configuration();
        SavedModel m = ModelFiles.load(conf, model);
        long written;
        try (IdxImages x = IdxImages.open(conf, images)) {
            if (x.pixelsPerImage() != m.shape().inputs()) {
                throw BadInputException.about(images, "images have " + x.pixelsPerImage() + " pixels, the model "
                        + model + " takes " + m.shape().inputs());
            }
            written = writeAtomically(conf, new Path(out), w -> predictInto(w, x, m));
        }
        if (!common.quiet) {
            System.err.println("wrote " + written + " predictions to " + out);
        }
        return Main.EXIT_OK;
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

    interface Body {
        long write(BufferedWriter w) throws IOException;
    }

    /**
     * Writes a hidden sibling of {@code target} and renames it into place once complete, so a
     * failure (bad input found half-way, a full disk, an interruption) never leaves a truncated
     * file under the final name, nor damages a file that was there.
     */
    static long writeAtomically(Configuration conf, Path target, Body body) throws IOException {
        FileSystem fs = HadoopFiles.of(target, conf);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        fs.deleteOnExit(tmp); // killed mid-write: Hadoop's shutdown hook removes it
        try {
            long n;
            try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(fs.create(tmp, false), StandardCharsets.UTF_8),
                    1 << 16)) {
                n = body.write(w);
            }
            StoreFiles.replace(fs, conf, tmp, target);
            return n;
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
            fs.cancelDeleteOnExit(tmp);
        }
    }
}
