package shallownet.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.BadInputException;
import shallownet.data.BlockRdds;
import shallownet.data.SampleBlock;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.EvalSums;
import shallownet.report.ConfusionTable;
import shallownet.train.SparkBackend;

@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Loss, %% misclassified and confusion matrix of a saved model on a data set (a Spark job).",
        footer = SparkOptionsHelp.FOOTER)
final class EvaluateCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Mixin SparkOptions spark;

    @Option(names = "--model", required = true, description = "Model directory.") String model;

    @Mixin DataOptions data;

    @Option(names = "--set", defaultValue = "test", description = "Which set: test or train (default: ${DEFAULT-VALUE}).") String set;

    @Override
    public Integer call() throws Exception {
        if (!set.equals("test") && !set.equals("train")) {
            throw new IllegalArgumentException("--set must be test or train, got " + set);
        }
        String dataDir = data.existing();
        // The model and the data are checked before Spark starts: a bad one costs no Spark start-up.
        Configuration hadoop = DriverHadoopConf.get();
        SavedModel m = ModelFiles.load(hadoop, model);
        int classes = m.shape().outputs();
        LabeledIdxFiles files = set.equals("test") ? DataDirectory.test(hadoop, dataDir, classes)
                : DataDirectory.train(hadoop, dataDir, classes);
        DataDirectory.checkNotEmpty(files);
        if (files.pixelsPerImage() != m.shape().inputs()) {
            throw BadInputException.about(files.imagesPath(), "images have " + files.pixelsPerImage()
                    + " pixels, the model " + model + " takes " + m.shape().inputs());
        }
        try (JavaSparkContext sc = spark.start("shallownet evaluate")) {
            JavaRDD<SampleBlock> blocks = BlockRdds.load(sc, files, spark.partitions(sc), set + " set");
            EvalSums sums = SparkBackend.evaluate(sc, m.shape(), blocks, m.params(), "evaluate " + model + " on the " + set + " set");
            System.out.printf("model %s on %s (%d samples)%n", model, files.imagesPath(), sums.count());
            System.out.printf("loss %.6f%nerror %.2f %% (%d misclassified)%n", sums.loss(), sums.errorPercent(), sums.errors());
            System.out.println(ConfusionTable.format(sums));
        }
        return ExitCode.OK.code();
    }
}
