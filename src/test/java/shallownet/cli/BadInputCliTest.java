package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import shallownet.net.NetworkShape;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.IdxFixtures.DataSet;

/**
 * The command line in this JVM ({@link Main#run}) with a real local Spark: a malformed data file
 * ends {@code train} with exit code 2 and one {@code error:} line naming the file and the problem;
 * a valid data set trains, evaluates and predicts.
 */
@org.junit.jupiter.api.extension.ExtendWith(QuietSpark.class)
class BadInputCliTest {

    private static final int TRAIN = 200;
    private static final int TEST = 50;
    private static final int SIDE = 4;
    private static final int CLASSES = 10;

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs the command line with System.out and System.err captured (Main's picocli takes System.err when built). */
    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        // Not echoed to the build log: the assertions quote it when they fail.
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A broken data set: how to break a valid one, which file is then at fault, and what the error says. */
    enum Broken {
        WRONG_MAGIC(false, DataSet::trainImages, "bad IDX magic number: expected 0x00000803") {
            @Override
            void breakIt(DataSet d) throws Exception {
                Files.write(d.trainImages(), IdxFixtures.withInt(Files.readAllBytes(d.trainImages()), 0, 0x00000801));
            }
        },
        TRUNCATED_IMAGES(false, DataSet::trainImages, "truncated: expected 3200 data bytes") {
            @Override
            void breakIt(DataSet d) throws Exception {
                byte[] bytes = Files.readAllBytes(d.trainImages());
                Files.write(d.trainImages(), IdxFixtures.truncate(bytes, bytes.length - 100));
            }
        },
        ONE_LABEL_MISSING(false, DataSet::trainLabels, "holds 199 labels, but ") {
            @Override
            void breakIt(DataSet d) throws Exception {
                IdxFixtures.write(d.trainLabels(), IdxFixtures.labelFile(TRAIN - 1, CLASSES));
            }
        },
        LABEL_EQUALS_CLASSES(true, DataSet::testLabels, "label 10 at record 3 is out of range: expected 0..9") {
            @Override
            void breakIt(DataSet d) throws Exception {
                byte[] labels = IdxFixtures.labels(0, TEST, CLASSES);
                labels[3] = 10;
                IdxFixtures.write(d.testLabels(), IdxFixtures.labelFile(labels));
            }
        },
        GZ_THAT_IS_NOT_GZIP(true, DataSet::trainImages, "not a valid gzip file") {
            @Override
            void breakIt(DataSet d) throws Exception {
                Files.write(d.trainImages(), IdxFixtures.imageFile(TRAIN, SIDE, SIDE)); // raw bytes under .gz
            }
        };

        final boolean gzip;
        final Function<DataSet, Path> culprit;
        final String problem;

        Broken(boolean gzip, Function<DataSet, Path> culprit, String problem) {
            this.gzip = gzip;
            this.culprit = culprit;
            this.problem = problem;
        }

        abstract void breakIt(DataSet d) throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Broken.class)
    void trainOnBrokenDataExitsWithOneErrorLineAndNoModel(Broken broken) throws Exception {
        DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), TRAIN, TEST, SIDE, SIDE, CLASSES, broken.gzip);
        broken.breakIt(data);
        Path model = tmp.resolve("model");

        Result r = run("train", "--master", "local[2]", "--epochs", "1", "--data", data.dir().toString(),
                "--model-out", model.toString());

        Path file = broken.culprit.apply(data);
        List<String> errorLines = r.errLines().stream().filter(l -> l.startsWith("error: ")).toList();
        assertAll(
                () -> assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode(), "exit code; stderr:\n" + r.err()),
                () -> assertEquals(1, errorLines.size(), "one error line; stderr:\n" + r.err()),
                () -> assertEquals(1, r.errLines().size(), "nothing but the error line; stderr:\n" + r.err()),
                () -> assertTrue(errorLines.get(0).startsWith("error: " + file + ": "), errorLines.get(0)),
                () -> assertTrue(errorLines.get(0).contains(broken.problem), errorLines.get(0)),
                () -> assertFalse(r.err().contains("Exception"), "no exception names; stderr:\n" + r.err()),
                () -> assertTrue(r.errLines().stream().noneMatch(l -> l.matches("\\s+at .*")),
                        "no stack trace; stderr:\n" + r.err()),
                () -> assertFalse(Files.exists(model), "no model directory"),
                () -> assertEquals(List.of("data"), names(tmp), "nothing else written next to the data"));
    }

    @Test
    void trainEvaluateAndPredictOnValidData() throws Exception {
        DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), TRAIN, TEST, SIDE, SIDE, CLASSES, false);
        Path model = tmp.resolve("model");

        Result train = run("train", "--master", "local[2]", "--epochs", "1", "--hidden", "8", "--data",
                data.dir().toString(), "--model-out", model.toString());

        assertEquals(ExitCode.OK.code(), train.exitCode(), "train; stderr:\n" + train.err());
        assertFalse(train.err().contains("error:"), train.err());
        JsonNode meta = new ObjectMapper().readTree(model.resolve("model.json").toFile());
        assertEquals(SIDE * SIDE, meta.path("architecture").path("inputs").asInt());
        assertEquals(8, meta.path("architecture").path("hidden").asInt());
        assertEquals(CLASSES, meta.path("architecture").path("outputs").asInt());
        assertEquals(TRAIN, meta.path("data").path("train").path("count").asInt());
        assertEquals(IdxFixtures.sha256(Files.readAllBytes(data.trainImages())),
                meta.path("data").path("train").path("images_sha256").asText());
        assertEquals(4L * new NetworkShape(SIDE * SIDE, 8, CLASSES).parameterCount(),
                Files.size(model.resolve("weights.bin")));

        Result evaluate = run("evaluate", "--model", model.toString(), "--data", data.dir().toString(),
                "--master", "local[2]");

        assertEquals(ExitCode.OK.code(), evaluate.exitCode(), "evaluate; stderr:\n" + evaluate.err());
        assertTrue(evaluate.out().contains("(" + TEST + " samples)"), evaluate.out());
        assertTrue(evaluate.out().lines().anyMatch(l -> l.matches("error \\d+\\.\\d\\d % \\(\\d+ misclassified\\)")),
                evaluate.out());

        Path csv = tmp.resolve("predictions.csv");
        Result predict = run("predict", "--model", model.toString(), "--images", data.testImages().toString(),
                "--out", csv.toString());

        assertEquals(ExitCode.OK.code(), predict.exitCode(), "predict; stderr:\n" + predict.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("index,label", lines.get(0));
        assertEquals(TEST + 1, lines.size(), "a header and one line per image");
        for (int i = 0; i < TEST; i++) {
            String[] cells = lines.get(i + 1).split(",");
            assertEquals(2, cells.length, lines.get(i + 1));
            assertEquals(i, Integer.parseInt(cells[0]));
            int label = Integer.parseInt(cells[1]);
            assertTrue(label >= 0 && label < CLASSES, lines.get(i + 1));
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
