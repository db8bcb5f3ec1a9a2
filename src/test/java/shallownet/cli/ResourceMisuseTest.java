package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.IdxFixtures.DataSet;
import shallownet.testutil.LoopbackMirror;

/**
 * Misuse that would exhaust a resource (disk, time, memory) or slip a crafted file past the
 * checks, through {@link Main#run}: every case ends with its documented exit code, exactly one
 * stderr line starting {@code error:}, and every directory the command could touch (data, model,
 * output, store, fetch target) byte for byte as before, with no temporary file left behind.
 */
class ResourceMisuseTest {

    private static final int TRAIN = 200;
    private static final int TEST = 50;
    private static final int SIDE = 4;
    private static final int CLASSES = 10;
    private static final NetworkShape SHAPE = new NetworkShape(SIDE * SIDE, 8, CLASSES);

    @TempDir
    static Path shared;

    private static DataSet data;
    private static Path model;
    private static Path store;
    private static String savedUi;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fixtures() throws IOException {
        savedUi = System.setProperty("spark.ui.enabled", "false");
        LoggerFactory.getLogger(ResourceMisuseTest.class).debug("logging initialised");
        data = IdxFixtures.writeDataDirectory(shared.resolve("data"), TRAIN, TEST, SIDE, SIDE, CLASSES, false);
        model = shared.resolve("model");
        ModelFiles.save(new Configuration(), model.toString(), SHAPE, WeightInit.initShallow(SHAPE, 1),
                ModelFiles.json().createObjectNode(), false);
        store = shared.resolve("store");
        Files.createDirectories(store);
    }

    @AfterAll
    static void restore() {
        if (savedUi == null) {
            System.clearProperty("spark.ui.enabled");
        } else {
            System.setProperty("spark.ui.enabled", savedUi);
        }
    }

    /**
     * Runs the command and checks the outcome: {@code exit}, one {@code error:} line containing
     * each of {@code expected}, and the listings of {@code touched} identical before and after.
     */
    private static String misuse(int exit, List<String> expected, List<Path> touched, String... args) {
        Map<Path, Map<String, String>> before = new LinkedHashMap<>();
        for (Path p : touched) {
            before.put(p, StoreListing.of(p));
        }
        CliRunner.Outcome o = CliRunner.run(args);
        assertEquals(exit, o.exitCode(), o.err());
        List<String> lines = o.err().lines().toList();
        assertEquals(1, lines.size(), "exactly one stderr line: " + o.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("error: "), line);
        for (String e : expected) {
            assertTrue(line.contains(e), "'" + e + "' in: " + line);
        }
        for (Path p : touched) {
            assertEquals(before.get(p), StoreListing.of(p), p + " changed");
        }
        return line;
    }

    /** A copy of the valid model with its model.json edited. */
    private Path modelWith(Consumer<ObjectNode> edit) throws IOException {
        Path dir = tmp.resolve("edited-model");
        Files.createDirectories(dir);
        Files.copy(model.resolve(ModelFiles.WEIGHTS), dir.resolve(ModelFiles.WEIGHTS));
        ObjectNode meta = (ObjectNode) new ObjectMapper().readTree(model.resolve(ModelFiles.METADATA).toFile());
        edit.accept(meta);
        Files.write(dir.resolve(ModelFiles.METADATA), new ObjectMapper().writeValueAsBytes(meta));
        return dir;
    }

    private static ObjectNode arch(ObjectNode meta) {
        return (ObjectNode) meta.path("architecture");
    }

    /** An output directory holding a previous predictions.csv that a failed predict must keep. */
    private Path outDirWithOldCsv() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("predictions.csv"), "index,label\n0,7\n");
        return out;
    }

    // ------------------------------------------------------------------ fetch

    @Test
    void fetchFromAFileUrlIsABadOptionNotAClassCastException() {
        Path to = tmp.resolve("mnist");
        String line = misuse(ExitCode.BAD_INPUT.code(), List.of("--mirror file:///tmp/mnist/: only http:// and https://"),
                List.of(tmp), "fetch", "--to", to.toString(), "--mirror", "file:///tmp/mnist/", "--no-npm");
        assertTrue(!line.contains("ClassCast"), line);
    }

    @Test
    void fetchFromAnFtpUrlIsRefusedToo() {
        misuse(ExitCode.BAD_INPUT.code(), List.of("--mirror ftp://127.0.0.1/mnist/: only http:// and https://"),
                List.of(tmp), "fetch", "--to", tmp.resolve("mnist").toString(), "--mirror", "ftp://127.0.0.1/mnist/",
                "--no-npm");
    }

    @Test
    void fetchFromAMirrorThatStreamsForeverStopsAtTheCapAndLeavesTheTargetAsItWas() throws IOException {
        Path to = tmp.resolve("mnist");
        Files.createDirectories(to);
        Files.writeString(to.resolve("notes.txt"), "the user's own file\n");
        String old = System.setProperty("shallownet.fetch.max-bytes", String.valueOf(1 << 20));
        try (LoopbackMirror endless = LoopbackMirror.start().serveForever("train-images-idx3-ubyte.gz")) {
            misuse(ExitCode.FAILURE.code(), List.of("could not fetch", "train-images-idx3-ubyte.gz: java.io.IOException: sent more "
                    + "than 1048576 bytes"), List.of(to), "fetch", "--quiet", "--to", to.toString(), "--mirror", endless.url(),
                    "--no-npm");
        } finally {
            restoreProperty("shallownet.fetch.max-bytes", old);
        }
    }

    @Test
    void fetchFromADrippingMirrorFailsByItsDeadline() throws IOException {
        Path to = tmp.resolve("mnist");
        Files.createDirectories(to);
        String old = System.setProperty("shallownet.fetch.deadline-seconds", "2");
        long t0 = System.nanoTime();
        try (LoopbackMirror slow = LoopbackMirror.start().serveDripping("train-images-idx3-ubyte.gz", 400)) {
            misuse(ExitCode.FAILURE.code(), List.of("train-images-idx3-ubyte.gz: stopped at the mirror's deadline of 2 s"),
                    List.of(to), "fetch", "--quiet", "--to", to.toString(), "--mirror", slow.url(), "--no-npm");
        } finally {
            restoreProperty("shallownet.fetch.deadline-seconds", old);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 20, "a 2 s deadline took " + seconds + " s");
    }

    // ------------------------------------------------------------------ crafted model.json

    @Test
    void predictWithAFractionalInputSizeIsRefused() throws IOException {
        Path m = modelWith(meta -> arch(meta).put("inputs", 16.9));
        Path out = outDirWithOldCsv();
        misuse(ExitCode.BAD_INPUT.code(), List.of(m.resolve("model.json") + ": bad architecture: architecture.inputs is 16.9, "
                + "expected an integer"), List.of(m, out, data.dir()), "predict", "--model", m.toString(), "--images",
                data.testImages().toString(), "--out", out.resolve("predictions.csv").toString());
    }

    @Test
    void predictWithAHiddenSizeWrittenAsAStringIsRefused() throws IOException {
        Path m = modelWith(meta -> arch(meta).put("hidden", "8"));
        Path out = outDirWithOldCsv();
        misuse(ExitCode.BAD_INPUT.code(), List.of(m.resolve("model.json") + ": bad architecture: architecture.hidden is \"8\", "
                + "expected an integer"),
                List.of(m, out), "predict", "--model", m.toString(), "--images", data.testImages().toString(), "--out",
                out.resolve("predictions.csv").toString());
    }

    @Test
    void predictWithAParameterCountThatWrapsAnIntIsRefusedThoughSizeAndDigestMatch() throws IOException {
        // 4,295,229,445 parameters wrap to 196,613 in int arithmetic, so a crafted weights.bin of that
        // size with its right SHA-256 used to pass every check.
        int wrapped = (int) NetworkShape.parameterCount(65536, 65537, 2);
        assertTrue(wrapped > 0 && wrapped < 1_000_000, "the crafted case wraps to a small positive count: " + wrapped);
        byte[] weights = new byte[4 * wrapped];
        Path m = modelWith(meta -> {
            arch(meta).put("inputs", 65536).put("hidden", 65537).put("outputs", 2);
            ((ObjectNode) meta.path("weights")).put("sha256", ModelFiles.sha256(weights)).remove("count");
        });
        Files.write(m.resolve(ModelFiles.WEIGHTS), weights);
        Path out = outDirWithOldCsv();
        misuse(ExitCode.BAD_INPUT.code(), List.of(m.resolve("model.json") + ": bad architecture: a 65536-65537-2 network has "
                + "4295229445 parameters"), List.of(m, out), "predict", "--model", m.toString(), "--images",
                data.testImages().toString(), "--out", out.resolve("predictions.csv").toString());
    }

    @Test
    void predictWithAModelLargerThanTheHeapIsRefusedBeforeAllocation() throws IOException {
        long count = NetworkShape.parameterCount(ModelFiles.MAX_INPUTS, 500, CLASSES);
        org.junit.jupiter.api.Assumptions.assumeTrue(4 * count > Runtime.getRuntime().maxMemory());
        Path m = modelWith(meta -> {
            arch(meta).put("inputs", ModelFiles.MAX_INPUTS).put("hidden", 500);
            ((ObjectNode) meta.path("weights")).remove("count");
        });
        try (RandomAccessFile f = new RandomAccessFile(m.resolve(ModelFiles.WEIGHTS).toFile(), "rw")) {
            f.setLength(4 * count); // sparse
        }
        misuse(ExitCode.BAD_INPUT.code(), List.of(m.resolve("model.json") + ": a 4194304-500-10 network's " + count
                + " weights need 8.4 GB, more than the"), List.of(tmp.resolve("out")), "predict", "--model", m.toString(),
                "--images", data.testImages().toString(), "--out", tmp.resolve("out/p.csv").toString());
    }

    @Test
    void trainFromAnInitModelWithOutOfRangeOutputsIsRefusedBeforeTraining() throws IOException {
        Path m = modelWith(meta -> arch(meta).put("outputs", 300));
        misuse(ExitCode.BAD_INPUT.code(), List.of(m.resolve("model.json") + ": bad architecture: architecture.outputs is 300, "
                + "expected 2..256"), List.of(tmp, data.dir()), "train", "--quiet", "--master", "local[2]", "--data",
                data.dir().toString(), "--init-model", m.toString(), "--model-out", tmp.resolve("new-model").toString());
    }

    // ------------------------------------------------------------------ predict in bounded memory

    /**
     * 0.2 MB of gzip whose header claims 500 million 1x1 images: predict streams, so it allocates a
     * few blocks (not 500 MB of pixels and 2 GB of labels), finds the file truncated, and leaves
     * the previous CSV as it was.
     */
    @Test
    void predictOnAFileClaimingHalfABillionImagesStreamsThenReportsItTruncated() throws IOException {
        NetworkShape onePixel = new NetworkShape(1, 4, CLASSES);
        Path m = tmp.resolve("one-pixel-model");
        ModelFiles.save(new Configuration(), m.toString(), onePixel, WeightInit.initShallow(onePixel, 1),
                ModelFiles.json().createObjectNode(), false);
        byte[] body = IdxFixtures.pixels(0, 200_000, 1);
        Path images = IdxFixtures.write(tmp.resolve("claims/huge-idx3-ubyte.gz"), // gzipped by write
                IdxFixtures.idx(IdxFixtures.IMAGES_MAGIC, new int[] {500_000_000, 1, 1}, body));
        assertTrue(Files.size(images) < 512 * 1024, Files.size(images) + " bytes");
        Path out = outDirWithOldCsv();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated0 = threads.getCurrentThreadAllocatedBytes();

        misuse(ExitCode.BAD_INPUT.code(), List.of(images + ": truncated: the header announces 500000000 records"),
                List.of(out, m, images.getParent()), "predict", "--model", m.toString(), "--images", images.toString(),
                "--out", out.resolve("predictions.csv").toString());

        long allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
        assertTrue(allocated < 256L << 20, "allocated " + allocated + " bytes in all, garbage included");
    }

    @Test
    void predictOnImagesLongerThanTheirHeaderLeavesThePreviousCsv() throws IOException {
        Path images = IdxFixtures.write(tmp.resolve("in/long-idx3-ubyte"),
                IdxFixtures.append(IdxFixtures.imageFile(TEST, SIDE, SIDE), (byte) 1));
        Path out = outDirWithOldCsv();
        misuse(ExitCode.BAD_INPUT.code(), List.of(images + ": longer than its header says"), List.of(out, images.getParent()),
                "predict", "--model", model.toString(), "--images", images.toString(), "--out",
                out.resolve("predictions.csv").toString());
    }

    // ------------------------------------------------------------------ up-front memory estimate

    @Test
    void trainWithAHugeHiddenLayerIsRefusedWithTheEstimate() {
        misuse(ExitCode.BAD_INPUT.code(), List.of("--hidden 1000000: ", " parameters need at least ", "the driver has "),
                List.of(tmp, data.dir()), "train", "--quiet", "--master", "local[2]", "--data", data.dir().toString(),
                "--hidden", "1000000", "--model-out", tmp.resolve("m").toString());
    }

    @Test
    void trainWithAHiddenSizeBeyondAnyArrayIsRefusedWithTheEstimateNotAnOverflow() {
        misuse(ExitCode.BAD_INPUT.code(), List.of("--hidden 2000000000: 54,000,000,010 parameters need at least"),
                List.of(tmp, data.dir()), "train", "--quiet", "--master", "local[2]", "--data", data.dir().toString(),
                "--hidden", "2000000000", "--model-out", tmp.resolve("m").toString());
    }

    @Test
    void trainWithMorePartitionsThanSamplesIsRefused() {
        misuse(ExitCode.BAD_INPUT.code(), List.of("--partitions 100000: more partitions than the 200 training samples; use at "
                + "most 200"), List.of(tmp, data.dir()), "train", "--quiet", "--master", "local[2]", "--data",
                data.dir().toString(), "--partitions", "100000", "--model-out", tmp.resolve("m").toString());
    }

    @Test
    void retrainWithAHugeHiddenLayerLeavesTheStoreAsItWas() {
        misuse(ExitCode.BAD_INPUT.code(), List.of("--hidden 1000000: ", " parameters need at least "),
                List.of(store, data.dir()), "retrain", "--quiet", "--master", "local[2]", "--store", store.toString(),
                "--data", data.dir().toString(), "--hidden", "1000000", "--from-scratch");
    }

    @Test
    void retrainWithMorePartitionsThanSamplesLeavesTheStoreAsItWas() {
        misuse(ExitCode.BAD_INPUT.code(), List.of("--partitions 5000: more partitions than the 200 training samples"),
                List.of(store, data.dir()), "retrain", "--quiet", "--master", "local[2]", "--store", store.toString(),
                "--data", data.dir().toString(), "--partitions", "5000");
    }

    private static void restoreProperty(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }
}
