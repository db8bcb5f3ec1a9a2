package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shallownet.model.ModelFiles;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.testutil.IdxFixtures;

/**
 * What a careless or hostile user types, through {@link Main#run}: outputs that would replace or
 * land inside what the user did not ask to replace (their own directories, the data, the starting
 * model, the store), outputs that cannot be written (under a file, a directory where a file is
 * wanted, names Hadoop cannot hold), run ids that escape the store, picocli's usage errors, a
 * diverging run and empty data sets. Each case asserts the exit code, exactly one stderr line
 * ({@code error: ...} naming the problem) and that every file under the case's directory (data,
 * a model, a user's directory, a file) has the same SHA-256 before and after: nothing written,
 * nothing removed.
 */
@org.junit.jupiter.api.extension.ExtendWith(QuietSpark.class)
class MisuseCorpusTest {

    private static final int SIDE = 4;
    private static final int CLASSES = 10;

    @TempDir
    Path root;

    /** What a case's command line can point at; all of it under one directory that is listed before and after. */
    record Fixture(Path root, Path project, Path data, Path model, Path user, Path file, Path emptyTrain,
                   Path emptyTest) {
        String data(String name) {
            return data.resolve(name).toString();
        }

        String s(Path p) {
            return p.toString();
        }

        String at(String relative) {
            return root.resolve(relative).toString();
        }

        static Fixture write(Path root) throws Exception {
            Path project = root.resolve("project");
            Path data = IdxFixtures.writeDataDirectory(project.resolve("data"), 200, 50, SIDE, SIDE, CLASSES, false).dir();
            Path model = root.resolve("models/m1");
            NetworkShape shape = new NetworkShape(SIDE * SIDE, 8, CLASSES);
            ModelFiles.save(new Configuration(), model.toString(), shape, WeightInit.initShallow(shape, 1),
                    ModelFiles.json().createObjectNode(), false);
            Path user = root.resolve("user");
            Files.createDirectories(user.resolve("sub"));
            Files.writeString(user.resolve("notes.txt"), "the user's notes\n");
            Files.write(user.resolve("sub/photo.jpg"), new byte[] {1, 2, 3, 4});
            Path file = Files.writeString(root.resolve("file.txt"), "a regular file\n");
            Path emptyTrain = IdxFixtures.writeDataDirectory(root.resolve("empty-train"), 0, 50, SIDE, SIDE, CLASSES,
                    false).dir();
            Path emptyTest = IdxFixtures.writeDataDirectory(root.resolve("empty-test"), 200, 0, SIDE, SIDE, CLASSES,
                    false).dir();
            return new Fixture(root, project, data, model, user, file, emptyTrain, emptyTest);
        }
    }

    /** One misuse: the command line, the exit code, and a text the one error line must hold. */
    record Case(String name, Function<Fixture, List<String>> args, int exitCode, Function<Fixture, String> says) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String[] FAST = {"--master", "local[1]", "--epochs", "1", "--hidden", "8", "--quiet"};

    private static List<String> train(Fixture f, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", f.s(f.data())));
        a.addAll(List.of(FAST));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<String> retrain(Fixture f, String... extra) {
        List<String> a = new ArrayList<>(List.of("retrain", "--data", f.s(f.data())));
        a.addAll(List.of(FAST));
        a.addAll(List.of(extra));
        return a;
    }

    private static Case c(String name, Function<Fixture, List<String>> args, int exitCode,
                          Function<Fixture, String> says) {
        return new Case(name, args, exitCode, says);
    }

    static Stream<Case> cases() {
        int bad = ExitCode.BAD_INPUT.code();
        return Stream.of(
                // --overwrite replaces only a model
                c("overwrite a plain user directory", f -> train(f, "--model-out", f.s(f.user()), "--overwrite"), bad,
                        f -> f.user() + ": is not a model directory"),
                c("overwrite the data directory", f -> train(f, "--model-out", f.s(f.data()), "--overwrite"), bad,
                        f -> "--model-out is the same path as the input --data"),
                c("overwrite a directory containing the data",
                        f -> train(f, "--model-out", f.s(f.project()), "--overwrite"), bad,
                        f -> "--model-out contains the input --data"),
                c("overwrite a grandparent of the data", f -> train(f, "--model-out", f.s(f.root()), "--overwrite"), bad,
                        f -> "--model-out contains the input --data"),
                c("model-out ending in /./", f -> train(f, "--model-out", f.data() + "/./", "--overwrite"), bad,
                        f -> "names no file or directory of its own"),
                c("overwrite the data through a symbolic link", f -> {
                    try {
                        Files.createSymbolicLink(f.root().resolve("link"), f.data());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return train(f, "--model-out", f.at("link"), "--overwrite");
                }, bad, f -> "--model-out is the same path as the input --data"),
                c("overwrite the data through ..", f -> train(f, "--model-out", f.data() + "/../data", "--overwrite"),
                        bad, f -> "--model-out is the same path as the input --data"),
                c("overwrite the starting model", f -> train(f, "--init-model", f.s(f.model()), "--model-out",
                        f.s(f.model()), "--overwrite"), bad, f -> "--model-out is the same path as the input --init-model"),
                c("overwrite a directory holding the starting model", f -> train(f, "--init-model", f.s(f.model()),
                        "--model-out", f.s(f.model().getParent()), "--overwrite"), bad,
                        f -> "--model-out contains the input --init-model"),
                c("overwrite a regular file", f -> train(f, "--model-out", f.s(f.file()), "--overwrite"), bad,
                        f -> f.file() + ": exists and is a file, not a model directory"),
                c("existing model without --overwrite", f -> train(f, "--model-out", f.s(f.model())), bad,
                        f -> f.model() + ": already exists; choose another --model-out or pass --overwrite"),
                c("overwrite a directory whose model.json is not a model", f -> {
                    try {
                        Files.writeString(f.user().resolve("model.json"), "{\"format\": \"something-else\"}");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return train(f, "--model-out", f.s(f.user()), "--overwrite");
                }, bad, f -> "is not a model directory (no model.json of format shallownet-model)"),
                // outputs that cannot be written, found before any work
                c("model-out inside the data", f -> train(f, "--model-out", f.data("model")), bad,
                        f -> "--model-out lies inside the input --data"),
                c("model-out under a regular file", f -> train(f, "--model-out", f.file() + "/model"), bad,
                        f -> f.file() + " is a file, not a directory"),
                c("model-out two levels under a regular file", f -> train(f, "--model-out", f.file() + "/a/b"), bad,
                        f -> f.file() + " is a file, not a directory"),
                c("model-out with a colon in its name", f -> train(f, "--model-out", f.at("run:1")), bad,
                        f -> "the name holds a ':'"),
                c("model-out a relative name with a colon", f -> train(f, "--model-out", "run:1"), bad,
                        f -> "run:1: not a valid path for --model-out"),
                c("model-out .", f -> train(f, "--model-out", "."), bad,
                        f -> ".: names no file or directory of its own"),
                c("model-out ..", f -> train(f, "--model-out", ".."), bad,
                        f -> "..: names no file or directory of its own"),
                c("model-out empty", f -> train(f, "--model-out", ""), bad, f -> "--model-out is empty"),
                c("metrics-out a directory", f -> train(f, "--model-out", f.at("m"), "--metrics-out", f.s(f.user())),
                        bad, f -> f.user() + ": is a directory; --metrics-out takes a file name"),
                c("metrics-out a data file", f -> train(f, "--model-out", f.at("m"), "--metrics-out",
                        f.data("train-labels-idx1-ubyte")), bad, f -> "--metrics-out lies inside the input --data"),
                c("metrics-out inside the model it writes", f -> train(f, "--model-out", f.at("m"), "--metrics-out",
                        f.at("m/metrics.jsonl")), bad, f -> "--metrics-out lies inside the output --model-out"),
                c("report a directory", f -> train(f, "--model-out", f.at("m"), "--report", f.s(f.user())), bad,
                        f -> f.user() + ": is a directory; --report takes a file name"),
                c("report under a regular file", f -> train(f, "--model-out", f.at("m"), "--report",
                        f.file() + "/run.html"), bad, f -> f.file() + " is a file, not a directory"),
                c("report the same file as metrics-out", f -> train(f, "--model-out", f.at("m"), "--metrics-out",
                        f.at("out.txt"), "--report", f.at("out.txt")), bad,
                        f -> "--report is the same path as the output --metrics-out"),
                c("report into the starting model", f -> train(f, "--init-model", f.s(f.model()), "--model-out",
                        f.at("m"), "--report", f.model() + "/run.html"), bad,
                        f -> "--report lies inside the input --init-model"),
                // guards
                c("train with --lr 1e30 diverges", f -> train(f, "--model-out", f.at("m"), "--lr", "1e30"),
                        ExitCode.DIVERGED.code(), f -> "training diverged"),
                c("train with a --max-loss-factor of 1", f -> train(f, "--model-out", f.at("m"), "--max-loss-factor",
                        "1"), bad, f -> "--max-loss-factor must be a number above 1"),
                c("empty training set", f -> List.of("train", "--data", f.s(f.emptyTrain()), "--master", "local[1]",
                        "--epochs", "1", "--quiet", "--model-out", f.at("m")), bad,
                        f -> f.emptyTrain().resolve("train-images-idx3-ubyte") + ": holds no images"),
                c("empty test set", f -> List.of("train", "--data", f.s(f.emptyTest()), "--master", "local[1]",
                        "--epochs", "1", "--quiet", "--model-out", f.at("m")), bad,
                        f -> f.emptyTest().resolve("t10k-images-idx3-ubyte") + ": holds no images"),
                c("evaluate on an empty test set", f -> List.of("evaluate", "--model", f.s(f.model()), "--data",
                        f.s(f.emptyTest()), "--master", "local[1]", "--quiet"), bad,
                        f -> f.emptyTest().resolve("t10k-images-idx3-ubyte") + ": holds no images"),
                // picocli's usage errors: one line and a hint
                c("unknown option", f -> train(f, "--model-out", f.at("m"), "--epoch", "3"), bad,
                        f -> "Unknown options: '--epoch', '3'"),
                c("option without its value", f -> List.of("train", "--data", f.s(f.data()), "--epochs"), bad,
                        f -> "Missing required parameter for option '--epochs'"),
                c("non-numeric value", f -> List.of("train", "--data", f.s(f.data()), "--epochs", "three"), bad,
                        f -> "Invalid value for option '--epochs': 'three' is not an int (see './submit.sh train --help')"),
                c("missing required option", f -> List.of("predict", "--model", f.s(f.model())), bad,
                        f -> "Missing required options: '--images=<images>', '--out=<out>' (see './submit.sh predict --help')"),
                c("unknown command", f -> List.of("trian", "--data", f.s(f.data())), bad,
                        f -> "Unmatched arguments from index 0"),
                // predict, show, fetch
                c("predict --out equal to --images", f -> List.of("predict", "--model", f.s(f.model()), "--images",
                        f.data("t10k-images-idx3-ubyte"), "--out", f.data("t10k-images-idx3-ubyte")), bad,
                        f -> "--out is the same path as the input --images"),
                c("predict --out into the model", f -> List.of("predict", "--model", f.s(f.model()), "--images",
                        f.data("t10k-images-idx3-ubyte"), "--out", f.model() + "/weights.bin"), bad,
                        f -> "--out lies inside the input --model"),
                c("predict --out a directory", f -> List.of("predict", "--model", f.s(f.model()), "--images",
                        f.data("t10k-images-idx3-ubyte"), "--out", f.s(f.user())), bad,
                        f -> f.user() + ": is a directory; --out takes a file name"),
                c("show --png under a regular file", f -> List.of("show", "--data", f.s(f.data()), "--png",
                        f.file() + "/missing/digit.png"), bad, f -> f.file() + " is a file, not a directory"),
                c("show --png over a data file", f -> List.of("show", "--data", f.s(f.data()), "--png",
                        f.data("train-images-idx3-ubyte")), bad, f -> "--png lies inside the input --data"),
                c("show --png a directory", f -> List.of("show", "--data", f.s(f.data()), "--png", f.s(f.user())), bad,
                        f -> f.user() + ": is a directory; --png takes a file name"),
                c("fetch --to a regular file", f -> List.of("fetch", "--to", f.s(f.file()), "--no-npm"), bad,
                        f -> f.file() + ": is a file; --to takes a directory"),
                c("fetch --to under a regular file", f -> List.of("fetch", "--to", f.file() + "/mnist", "--no-npm"),
                        bad, f -> f.file() + " is a file, not a directory"),
                // the store
                c("retrain --store equal to --data", f -> retrain(f, "--store", f.s(f.data())), bad,
                        f -> "--store is the same path as the input --data"),
                c("retrain --store inside --data", f -> retrain(f, "--store", f.data("store")), bad,
                        f -> "--store lies inside the input --data"),
                c("retrain --store containing --data", f -> retrain(f, "--store", f.s(f.project())), bad,
                        f -> "--store contains the input --data"),
                c("retrain --store a user's directory", f -> retrain(f, "--store", f.s(f.user())), bad,
                        f -> f.user() + ": is not a model store: it holds"),
                c("retrain --store a model directory", f -> retrain(f, "--store", f.s(f.model())), bad,
                        f -> f.model() + ": is not a model store: it holds"),
                c("retrain --report inside the store", f -> retrain(f, "--store", f.at("store"), "--report",
                        f.at("store/run.html")), bad, f -> "--report lies inside the output --store"),
                c("retrain --run-id ..", f -> retrain(f, "--store", f.at("store"), "--run-id", ".."), bad,
                        f -> "--run-id must be 1-100 letters, digits, '.', '_' or '-', not starting with '.', got .."),
                c("retrain --run-id .", f -> retrain(f, "--store", f.at("store"), "--run-id", "."), bad,
                        f -> "--run-id must be"),
                c("retrain --run-id with a slash", f -> retrain(f, "--store", f.at("store"), "--run-id", "../x"), bad,
                        f -> "--run-id must be"),
                c("models rollback on a user's directory", f -> List.of("models", "rollback", "--store",
                        f.s(f.user())), bad, f -> f.user() + ": is not a model store"),
                c("models promote on the data directory", f -> List.of("models", "promote", "1", "--store",
                        f.s(f.data())), bad, f -> f.data() + ": is not a model store"));
    }

    /** A missing parent of an output is created (it can be made), not an ImageIO stack trace. */
    @org.junit.jupiter.api.Test
    void showPngIntoAMissingDirectoryCreatesIt() throws Exception {
        Fixture f = Fixture.write(root);
        Path png = root.resolve("new/dir/digit.png");

        CliRunner.Outcome r = CliRunner.run("show", "--data", f.s(f.data()), "--index", "3", "--png", png.toString());

        assertEquals(ExitCode.OK.code(), r.exitCode(), r.err());
        byte[] bytes = Files.readAllBytes(png);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), "a PNG file");
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertEquals(List.of(png), s.toList(), "no temporary sibling left");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLineAndNothingTouched(Case c) throws Exception {
        Fixture f = Fixture.write(root);
        List<String> args = c.args().apply(f); // may prepare the fixture further
        Map<String, String> before = StoreListing.of(root);

        CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));

        List<String> lines = r.err().lines().toList();
        String says = c.says().apply(f);
        assertAll(
                () -> assertEquals(c.exitCode(), r.exitCode(), "exit code; stderr:\n" + r.err()),
                () -> assertEquals(1, lines.size(), "exactly one stderr line; stderr:\n" + r.err()),
                () -> assertTrue(lines.get(0).startsWith("error: "), lines.get(0)),
                () -> assertTrue(lines.get(0).contains(says), "says '" + says + "': " + lines.get(0)),
                () -> assertFalse(r.err().contains("Exception"), "no exception names; stderr:\n" + r.err()),
                () -> assertEquals(before, StoreListing.of(root), "every file and directory as before"));
    }
}
