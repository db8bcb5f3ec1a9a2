package shallownet.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import shallownet.fetch.MnistFetcher;
import shallownet.idx.DataDirectory;

/** The data directory of a command: {@code --data} as given, or {@code data/mnist}, fetched when missing. */
final class DataLocation {

    static final String DEFAULT_DIR = "data/mnist";

    private DataLocation() {
    }

    static String resolve(String data, boolean quiet) throws IOException, InterruptedException {
        if (data != null) {
            return data;
        }
        if (!DataDirectory.isComplete(DriverHadoopConf.get(), DEFAULT_DIR)) {
            var log = LoggerFactory.getLogger("shallownet");
            if (!quiet) {
                log.info("no --data given and {} is incomplete: fetching MNIST", DEFAULT_DIR);
            }
            new MnistFetcher(MnistFetcher.DEFAULT_MIRRORS, true, m -> {
                if (!quiet) {
                    log.info(m);
                }
            }).fetch(Path.of(DEFAULT_DIR));
        }
        return DEFAULT_DIR;
    }
}
