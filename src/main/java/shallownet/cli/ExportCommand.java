package shallownet.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import shallownet.run.OutputPaths;
import shallownet.AtomicFile;
import shallownet.BadInputException;
import shallownet.HadoopFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.onnx.OnnxExport;
import shallownet.store.ModelStore;

/**
 * {@code export}: a model directory, or a version of a store (the champion by default), as one
 * ONNX file for any ONNX runtime. All checks (which model, the output) come before anything is
 * written; the file is written whole through {@link AtomicFile}.
 */
// No mixinStandardHelpOptions: its -V/--version (the program's version) would clash with --version V.
@Command(name = "export", description = "Write a model (a directory, or a "
        + "store's champion or version) as ONNX: input pixels float32 [N, 784] of raw 0..255 values, outputs "
        + "probabilities float32 [N, 10] and label int64 [N].")
final class ExportCommand implements Callable<Integer> {

    @Mixin CommonOptions common;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;

    @Option(names = "--model", description = "Model directory (model.json + weights.bin).") String model;

    @Option(names = "--store", description = "Model store: exports its champion, or --version.") String store;

    @Option(names = "--version", description = "With --store: the version to export, e.g. 3 or 000003 "
            + "(default: the champion).") String version;

    @Option(names = "--out", required = true, description = "The ONNX file to write, e.g. model.onnx.") String out;

    @Override
    public Integer call() throws Exception {
        if ((model == null) == (store == null)) {
            throw new IllegalArgumentException("export takes exactly one of --model DIR and --store PATH");
        }
        if (version != null && store == null) {
            throw new IllegalArgumentException("--version names a version of --store; --model takes none");
        }
        Configuration conf = DriverHadoopConf.get();
        new OutputPaths(conf).input("--model", model).input("--store", store).file("--out", out, "model.onnx");
        String what;
        SavedModel m;
        if (model != null) {
            m = ModelFiles.load(conf, model);
            what = model;
        } else {
            if (!HadoopFiles.of(new Path(store), conf).exists(new Path(store))) {
                throw BadInputException.about(store, "no such model store");
            }
            ModelStore s = ModelStore.at(conf, store);
            int v;
            if (version != null) {
                v = ModelStore.parseVersion(version);
            } else {
                Optional<Integer> champion = s.champion();
                if (champion.isEmpty()) {
                    throw BadInputException.about(store, "has no champion (no version was ever promoted); "
                            + "name one with --version");
                }
                v = champion.get();
            }
            m = s.load(v);
            what = store + " version " + ModelStore.name(v);
        }
        byte[] onnx = OnnxExport.ofModelJson(m.shape(), m.params(), m.metadata());
        AtomicFile.write(conf, out, onnx);
        if (!common.quiet) {
            System.err.println("wrote " + what + " (" + m.shape() + ") as ONNX to " + out + ", " + onnx.length + " bytes");
        }
        return ExitCode.OK.code();
    }
}
