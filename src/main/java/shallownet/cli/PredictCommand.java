package shallownet.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.run.OutputPaths;
import shallownet.run.Predictions;

@Command(name = "predict", mixinStandardHelpOptions = true, description = {
        "Predicted labels of an IDX image file, written as CSV (index,label[,p0..]);",
        "or of a PNG or JPEG image, or a directory of them, prepared as MNIST's digits were",
        "(CSV index,file,label[,p0..])."})
final class PredictCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = "--model", required = true, description = "Model directory.") String model;

    @Option(names = "--images", required = true, description = "IDX image file (raw or .gz), a PNG or JPEG file, or a "
            + "directory of .png, .jpg and .jpeg files (other files in it are ignored).") String images;

    @Option(names = "--out", required = true, description = "Output CSV file.") String out;

    @Option(names = "--probabilities", description = "Also write the softmax output of every class.") boolean probabilities;

    @Override
    public Integer call() throws Exception {
        Configuration conf = DriverHadoopConf.get();
        new OutputPaths(conf).input("--model", model).input("--images", images).file("--out", out, "predictions.csv");
        SavedModel m = ModelFiles.load(conf, model);
        long written = new Predictions(conf, m, model, probabilities).write(images, out);
        if (!common.quiet) {
            System.err.println("wrote " + written + " predictions to " + out);
        }
        return ExitCode.OK.code();
    }
}
