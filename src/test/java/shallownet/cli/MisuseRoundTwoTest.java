package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelClaim;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.IdxFixtures;

/**
 * Issue 25's misuse found from outside, through {@link Main#run}: outputs that reach an input
 * through a symbolic link, a hard link or {@code ..}; a model with non-finite weights; a model
 * output claimed by a run that is still going; two data sets under one file name; a mistyped
 * key in the defaults file. Each asserts the exit code, exactly one stderr line, and that every
 * file, link and directory under the case's root is as it was (links compared as links).
 */
@ExtendWith(QuietSpark.class)
class MisuseRoundTwoTest {

    private static final int SIDE = 4;
    private static final int CLASSES = 10;
    private static final String[] FAST = {"--master", "local[1]", "--epochs", "1", "--hidden", "8", "--quiet"};

    @TempDir
    Path root;

    private Path data;

    private Path data() throws IOException {
        if (data == null) {
            data = IdxFixtures.writeDataDirectory(root.resolve("data"), 200, 50, SIDE, SIDE, CLASSES, false).dir();
        }
        return data;
    }

    /** Every path under the root: a link as its target's text, a directory as "dir", a file as its SHA-256. */
    private Map<String, String> listing() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir");
                } else {
                    out.put(rel, IdxFixtures.sha256(Files.readAllBytes(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private List<String> train(String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of("train", "--data", data().toString()));
        a.addAll(List.of(FAST));
        a.addAll(List.of(extra));
        return a;
    }

    /** Runs the command and asserts the exit code, one {@code error:} line holding {@code says}, nothing changed. */
    private CliRunner.Outcome refused(List<String> args, int exitCode, String says) {
        Map<String, String> before = listing();
        CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));
        List<String> lines = r.err().lines().toList();
        assertAll(
                () -> assertEquals(exitCode, r.exitCode(), "exit code; stderr:\n" + r.err()),
                () -> assertEquals(1, lines.size(), "exactly one stderr line; stderr:\n" + r.err()),
                () -> assertTrue(lines.get(0).startsWith("error: "), lines.get(0)),
                () -> assertTrue(lines.get(0).contains(says), "says '" + says + "': " + lines.get(0)),
                () -> assertFalse(r.err().contains("Exception"), "no exception names; stderr:\n" + r.err()),
                () -> assertEquals(before, listing(), "every file, link and directory as before"));
        return r;
    }

    /** A directory of links to the data files, as {@code mkdir links; ln -s D/* links/} makes it. */
    private Path links() throws IOException {
        Path links = Files.createDirectories(root.resolve("links"));
        try (Stream<Path> s = Files.list(data())) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Files.createSymbolicLink(links.resolve(f.getFileName()), f);
            }
        }
        return links;
    }

    // 1. Outputs never replace inputs, whatever the path's form.

    @Test
    void metricsOverALinkOfTheDataDirectoryIsRefused() throws IOException {
        Path links = links();
        List<String> args = new ArrayList<>(List.of("train", "--data", links.toString()));
        args.addAll(List.of(FAST));
        args.addAll(List.of("--metrics-out", links.resolve("t10k-labels-idx1-ubyte").toString(),
                "--model-out", root.resolve("m").toString()));
        refused(args, 2, "--metrics-out lies inside the input --data (" + links + ")");
    }

    @Test
    void reportThroughALinkToADataFileIsRefused() throws IOException {
        Path alias = Files.createSymbolicLink(root.resolve("alias.html"), data().resolve("t10k-labels-idx1-ubyte"));
        refused(train("--report", alias.toString(), "--model-out", root.resolve("m").toString()), 2,
                "--report lies inside the input --data");
    }

    @Test
    void metricsThroughDotDotOntoADataFileIsRefused() throws IOException {
        Files.createDirectories(root.resolve("elsewhere"));
        String spelled = root.resolve("elsewhere/../data/./train-labels-idx1-ubyte").toString();
        refused(train("--metrics-out", spelled, "--model-out", root.resolve("m").toString()), 2,
                "--metrics-out lies inside the input --data");
    }

    @Test
    void metricsOverAHardLinkOfADataFileIsRefused() throws IOException {
        Path other = Files.createDirectories(root.resolve("other"));
        Path hard = Files.createLink(other.resolve("labels.jsonl"), data().resolve("t10k-labels-idx1-ubyte"));
        refused(train("--metrics-out", hard.toString(), "--model-out", root.resolve("m").toString()), 2,
                "--metrics-out is a file of the input --data");
    }

    @Test
    void aModelOutputContainingTheFilesALinkedDataDirectoryReadsIsRefused() throws IOException {
        // links/ holds links into data/: replacing data/ (even as a "model") would delete what links/ reads.
        Path links = links();
        Path fakeModel = data();
        Files.writeString(fakeModel.resolve("model.json"), "{\"format\":\"shallownet-model\"}");
        List<String> args = new ArrayList<>(List.of("train", "--data", links.toString()));
        args.addAll(List.of(FAST));
        args.addAll(List.of("--model-out", fakeModel.toString(), "--overwrite"));
        refused(args, 2, "--model-out contains the input --data");
    }

    @Test
    void predictOutOverTheLinkGivenAsImagesIsRefused() throws IOException {
        Path links = links();
        Path model = model(WeightInit.initShallow(new NetworkShape(SIDE * SIDE, 8, CLASSES), 1));
        Path images = links.resolve("t10k-images-idx3-ubyte");
        refused(List.of("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                data().resolve("t10k-images-idx3-ubyte").toString()), 2, "--out is the same path as the input --images");
    }

    // 6. Non-finite weights are refused when a model is loaded.

    private Path model(float[] params) throws IOException {
        Path model = root.resolve("models/m" + System.nanoTime());
        ModelFiles.save(new Configuration(), model.toString(), new NetworkShape(SIDE * SIDE, 8, CLASSES), params,
                ModelFiles.json().createObjectNode(), false);
        return model;
    }

    /** A saved model whose weight {@code at} is {@code value}, its checksum recomputed as an editor would. */
    private Path poisoned(int at, float value) throws IOException {
        float[] p = WeightInit.initShallow(new NetworkShape(SIDE * SIDE, 8, CLASSES), 1);
        Path model = model(p);
        p[at] = value;
        byte[] bytes = ModelFiles.toBytes(p);
        Files.write(model.resolve(ModelFiles.WEIGHTS), bytes);
        ObjectNode meta = (ObjectNode) ModelFiles.json().readTree(model.resolve(ModelFiles.METADATA).toFile());
        ((ObjectNode) meta.get("weights")).put("sha256", ModelFiles.sha256(bytes));
        Files.writeString(model.resolve(ModelFiles.METADATA), meta.toPrettyString());
        return model;
    }

    @Test
    void predictRefusesNaNWeights() throws IOException {
        Path model = poisoned(5, Float.NaN);
        refused(List.of("predict", "--model", model.toString(), "--images", data().resolve("t10k-images-idx3-ubyte")
                .toString(), "--out", root.resolve("p.csv").toString()), 2,
                model.resolve("weights.bin") + ": 1 of its 226 weights are not finite (the first, W1[0][5], is NaN)");
    }

    @Test
    void evaluateRefusesInfiniteWeights() throws IOException {
        // parameter 8*16 + 8 = 136 is W2[0][0]
        Path model = poisoned(136, Float.POSITIVE_INFINITY);
        refused(List.of("evaluate", "--model", model.toString(), "--data", data().toString(), "--master", "local[1]"),
                2, "(the first, W2[0][0], is Infinity)");
    }

    @Test
    void trainFromANonFiniteModelIsBadInput() throws IOException {
        Path model = poisoned(225, Float.NEGATIVE_INFINITY);
        refused(train("--init-model", model.toString(), "--model-out", root.resolve("m").toString()), 2,
                "(the first, b2[9], is -Infinity)");
    }

    // 7. A model output claimed by a live run is refused before any work, in flags.

    @Test
    void aModelOutputClaimedByALiveRunIsRefusedBeforeTraining() throws IOException {
        Path out = root.resolve("m");
        // This JVM holds the claim, as a concurrent train of the same --model-out would.
        try (ModelClaim claim = ModelClaim.take(new Configuration(), out.toString())) {
            long t0 = System.nanoTime();
            refused(train("--model-out", out.toString()), 2, out + ": another run (pid "
                    + ProcessHandle.current().pid());
            CliRunner.Outcome again = CliRunner.run(train("--model-out", out.toString()).toArray(String[]::new));
            assertTrue(again.err().contains("wait for it or choose another --model-out"), again.err());
            assertFalse(again.err().contains("modelOut"), "flags, not the core's names: " + again.err());
            assertTrue((System.nanoTime() - t0) / 1e9 < 60, "refused before training");
        }
        assertFalse(Files.exists(ModelClaim.claimPath(new org.apache.hadoop.fs.Path(out.toString()))
                .toString().transform(Path::of)), "the claim is gone once released");
    }

    @Test
    void aClaimLeftByADeadRunIsTakenOverAndRemoved() throws Exception {
        Path out = root.resolve("models/m");
        Files.createDirectories(out.getParent());
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path claim = out.getParent().resolve(".m.claim");
        Files.writeString(claim, "{\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":"
                + dead.pid() + ",\"token\":\"old\"}");

        CliRunner.Outcome r = CliRunner.run(train("--model-out", out.toString()).toArray(String[]::new));

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(out.resolve(ModelFiles.WEIGHTS)), "the model was written");
        assertFalse(Files.exists(claim), "no claim left behind");
    }

    @Test
    void aFailedTrainLeavesNoClaimAndNoEmptyDirectoryOfItsOwn() throws IOException {
        Path out = root.resolve("new/models/m");
        data();
        Map<String, String> before = listing();
        CliRunner.Outcome r = CliRunner.run(train("--model-out", out.toString(), "--lr", "1e6").toArray(String[]::new));
        assertEquals(ExitCode.DIVERGED.code(), r.exitCode(), r.err());
        assertEquals(before, listing(), "no claim, no new/models/ left behind");
    }

    // Also noticed: two data sets under one name; unknown keys in the defaults file.

    @Test
    void aRawFileAndADifferentGzOfTheSameNameAreRefused() throws IOException {
        Path d = data();
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), IdxFixtures.gzip(IdxFixtures.labelFile(49, CLASSES)));
        refused(train("--model-out", root.resolve("m").toString()), 2, d.resolve("t10k-labels-idx1-ubyte")
                + ": holds 58 bytes, but t10k-labels-idx1-ubyte.gz beside it holds 57 uncompressed");
    }

    @Test
    void aRawFileAndTheSameGzReadTheRaw() throws IOException {
        Path d = data();
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), IdxFixtures.gzip(Files.readAllBytes(
                d.resolve("t10k-labels-idx1-ubyte"))));
        CliRunner.Outcome r = CliRunner.run("info", "--data", d.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("t10k-labels-idx1-ubyte") && !r.out().contains("t10k-labels-idx1-ubyte.gz"), r.out());
    }

    @Test
    void anUnknownKeyInTheDefaultsFileIsRefused() throws IOException {
        Path defaults = Files.writeString(root.resolve("defaults.properties"),
                "shallownet.train.preset = seed\nshallownet.train.epoch = 3\n", StandardCharsets.UTF_8);
        String saved = System.getProperty("shallownet.defaults");
        System.setProperty("shallownet.defaults", defaults.toString());
        try {
            refused(List.of("info", "--data", data().toString()), 2, defaults + ": unknown key "
                    + "'shallownet.train.epoch': no command option is named so; did you mean shallownet.train.epochs?");
            Files.writeString(defaults, "shallownet.train.preset = seed\nshallownet.train.seed = 7\n");
            CliRunner.Outcome ok = CliRunner.run("info", "--data", data().toString());
            assertEquals(0, ok.exitCode(), "known keys pass: " + ok.err());
        } finally {
            if (saved == null) {
                System.clearProperty("shallownet.defaults");
            } else {
                System.setProperty("shallownet.defaults", saved);
            }
        }
    }
}
