package shallownet.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        new OutputPaths(conf).input("--model", model).input("--images", images).file("--out", out);
        SavedModel m = ModelFiles.load(conf, model);
        IdxImages x = IdxImages.read(conf, images);
        if (x.pixelsPerImage() != m.shape().inputs()) {
            throw BadInputException.about(images, "images have " + x.pixelsPerImage() + " pixels, the model "
                    + model + " takes " + m.shape().inputs());
        }
        int[] labels = new int[x.count()];
        int classes = m.shape().outputs();
        float[] probs = probabilities ? new float[x.count() * classes] : null;
        NetworkKernel.forThread(m.shape()).predict(m.params(), x.pixels(), 0, x.count(), labels, 0, probs);
        // Through a hidden sibling renamed into place: a failed write leaves no truncated CSV.
        try (OutputPaths.AtomicFile f = OutputPaths.AtomicFile.create(conf, out);
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(f.stream(), StandardCharsets.UTF_8))) {
            w.write("index,label");
            for (int c = 0; probabilities && c < classes; c++) {
                w.write(",p" + c);
            }
            w.newLine();
            for (int i = 0; i < labels.length; i++) {
                w.write(i + "," + labels[i]);
                for (int c = 0; probabilities && c < classes; c++) {
                    w.write("," + probs[i * classes + c]);
                }
                w.newLine();
            }
            w.flush();
            f.commit();
        }
        if (!common.quiet) {
            System.err.println("wrote " + labels.length + " predictions to " + out);
        }
        return Main.EXIT_OK;
    }
}
