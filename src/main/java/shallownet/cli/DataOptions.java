package shallownet.cli;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;
import shallownet.fetch.DataLocation;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;

/** The data directory of the commands that read MNIST but never fetch it (info, show, evaluate). */
class DataOptions {

    @Option(names = "--data",
            description = "Data directory (default: data/mnist beside submit.sh; run './submit.sh fetch' first).") String data;

    /** The directory as given, or the default one for checks before work (not fetched). */
    String orDefault() {
        return DataLocation.orDefault(data);
    }

    /** The directory, which must hold MNIST ({@link DataLocation#existing}). */
    String existing() throws IOException {
        return DataLocation.existing(DriverHadoopConf.get(), data);
    }

    /** info and show: the data directory and the labels' class count. */
    static final class WithClasses extends DataOptions {

        @Option(names = "--classes", defaultValue = "10", description = "Number of classes (default: ${DEFAULT-VALUE}).") int classes;

        /** The directory's training or test set. */
        LabeledIdxFiles files(Configuration conf, boolean train) throws IOException {
            String dir = existing();
            return train ? DataDirectory.train(conf, dir, classes) : DataDirectory.test(conf, dir, classes);
        }
    }
}
