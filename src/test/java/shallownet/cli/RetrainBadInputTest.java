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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.IdxFixtures.DataSet;

/**
 * {@code retrain} on a corpus of malformed data sets, generated here from a valid small one:
 * every case ends with exit code 2, one line naming the file and the problem, and the store
 * (which holds a champion) byte for byte as before. Validation runs before Spark starts, so the
 * corpus runs in seconds.
 */
class RetrainBadInputTest {

    private static final int TRAIN = 200;
    private static final int TEST = 50;
    private static final int SIDE = 4;
    private static final int CLASSES = 10;

    @TempDir
    static Path shared;

    static Path store;
    private static String savedUi;

    @BeforeAll
    static void storeWithAChampion() {
        savedUi = System.setProperty("spark.ui.enabled", "false");
        LoggerFactory.getLogger(RetrainBadInputTest.class).debug("logging initialised");
        DataSet valid = IdxFixtures.writeDataDirectory(shared.resolve("valid"), TRAIN, TEST, SIDE, SIDE, CLASSES, false);
        store = shared.resolve("store");
        CliRunner.Outcome r = CliRunner.run("retrain", "--store", store.toString(), "--data", valid.dir().toString(),
                "--master", "local[2]", "--epochs", "1", "--hidden", "8", "--max-test-error", "100", "--quiet");
        assertEquals(ExitCode.OK.code(), r.exitCode(), r.err());
        assertEquals("000001\n", StoreListing.read(store.resolve("CURRENT")));
    }

    @AfterAll
    static void restore() {
        if (savedUi == null) {
            System.clearProperty("spark.ui.enabled");
        } else {
            System.setProperty("spark.ui.enabled", savedUi);
        }
    }

    /** One malformed data set: which file is at fault, what the message says, how to make it. */
    record Case(String name, boolean gzip, Function<DataSet, Path> culprit, String problem, Breaker breaker) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Breaker {
        void apply(DataSet d) throws Exception;
    }

    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        byte[] images = IdxFixtures.imageFile(TRAIN, SIDE, SIDE);
        byte[] labels = IdxFixtures.labelFile(TRAIN, CLASSES);
        // Truncations of the training images at many offsets: inside the magic, inside the sizes, inside the data.
        for (int at : new int[] {0, 1, 3, 4, 6, 8, 11, 12, 15, 16, 17, 100, 1000, 2000, images.length - 16, images.length - 1}) {
            cases.add(new Case("train images truncated to " + at + " bytes", false, DataSet::trainImages,
                    at == 0 ? "" : at < 16 ? "" : "truncated", d -> Files.write(d.trainImages(), IdxFixtures.truncate(images, at))));
        }
        for (int at : new int[] {0, 2, 4, 7, 8, 9, labels.length - 1}) {
            cases.add(new Case("train labels truncated to " + at + " bytes", false, DataSet::trainLabels,
                    at < 8 ? "" : "truncated", d -> Files.write(d.trainLabels(), IdxFixtures.truncate(labels, at))));
        }
        for (int at : new int[] {5, 20, 100}) {
            cases.add(new Case("gzipped test images truncated to " + at + " compressed bytes", true, DataSet::testImages, "",
                    d -> Files.write(d.testImages(), IdxFixtures.truncate(Files.readAllBytes(d.testImages()), at))));
        }
        cases.add(new Case("train images one byte too long", false, DataSet::trainImages, "longer than its header says",
                d -> Files.write(d.trainImages(), IdxFixtures.append(images, (byte) 7))));
        // Bad magic numbers.
        for (int magic : new int[] {0x00000801, 0x00000802, 0x00000903, 0xdeadbeef, 0}) {
            cases.add(new Case(String.format("train images with magic 0x%08x", magic), false, DataSet::trainImages,
                    "magic", d -> Files.write(d.trainImages(), IdxFixtures.withInt(images, 0, magic))));
        }
        for (int magic : new int[] {0x00000803, 0x08000001}) {
            cases.add(new Case(String.format("train labels with magic 0x%08x", magic), false, DataSet::trainLabels,
                    "magic", d -> Files.write(d.trainLabels(), IdxFixtures.withInt(labels, 0, magic))));
        }
        cases.add(new Case("test labels with magic 0x00000803", true, DataSet::testLabels, "magic",
                d -> IdxFixtures.write(d.testLabels(), IdxFixtures.withInt(IdxFixtures.labelFile(TEST, CLASSES), 0, 0x00000803))));
        // Wrong dimensions: sizes that disagree with the data, with the champion, with the training set.
        cases.add(new Case("train images header says 5 rows", false, DataSet::trainImages, "",
                d -> Files.write(d.trainImages(), IdxFixtures.withInt(images, 8, 5))));
        cases.add(new Case("train images header says 0 rows", false, DataSet::trainImages, "",
                d -> Files.write(d.trainImages(), IdxFixtures.withInt(images, 8, 0))));
        cases.add(new Case("train images header says -1 columns", false, DataSet::trainImages, "",
                d -> Files.write(d.trainImages(), IdxFixtures.withInt(images, 12, -1))));
        cases.add(new Case("train and test images of 5x5 pixels (the champion has 16 inputs)", false,
                DataSet::trainImages, "champion", d -> {
                    IdxFixtures.write(d.trainImages(), IdxFixtures.imageFile(TRAIN, 5, 5));
                    IdxFixtures.write(d.testImages(), IdxFixtures.imageFile(TEST, 5, 5));
                }));
        cases.add(new Case("test images of 5x5 pixels", false, DataSet::testImages, "training images",
                d -> IdxFixtures.write(d.testImages(), IdxFixtures.imageFile(TEST, 5, 5))));
        // Count mismatches.
        for (int count : new int[] {TRAIN - 1, TRAIN + 1, 1}) {
            cases.add(new Case("train labels count " + count, false, DataSet::trainLabels, "labels, but",
                    d -> IdxFixtures.write(d.trainLabels(), IdxFixtures.labelFile(count, CLASSES))));
        }
        cases.add(new Case("train images header count 201", false, DataSet::trainImages, "truncated",
                d -> Files.write(d.trainImages(), IdxFixtures.withInt(images, 4, TRAIN + 1))));
        cases.add(new Case("train images header count 199", false, DataSet::trainImages, "longer than its header says",
                d -> Files.write(d.trainImages(), IdxFixtures.withInt(images, 4, TRAIN - 1))));
        cases.add(new Case("test labels count 49", true, DataSet::testLabels, "labels, but",
                d -> IdxFixtures.write(d.testLabels(), IdxFixtures.labelFile(TEST - 1, CLASSES))));
        // Labels out of range.
        for (int bad : new int[] {10, 11, 128, 255}) {
            cases.add(new Case("train label " + bad, false, DataSet::trainLabels, "out of range",
                    d -> Files.write(d.trainLabels(), IdxFixtures.withByte(labels, 8 + 17, bad))));
        }
        cases.add(new Case("last test label 10", true, DataSet::testLabels, "out of range", d -> {
            byte[] l = IdxFixtures.labels(0, TEST, CLASSES);
            l[TEST - 1] = 10;
            IdxFixtures.write(d.testLabels(), IdxFixtures.labelFile(l));
        }));
        // Corrupt gzip.
        cases.add(new Case("gzip with a flipped byte in the deflate stream", true, DataSet::trainImages, "", d -> {
            byte[] gz = Files.readAllBytes(d.trainImages());
            gz[gz.length / 2] ^= (byte) 0xff;
            Files.write(d.trainImages(), gz);
        }));
        cases.add(new Case("gzip with a wrong CRC", true, DataSet::trainLabels, "", d -> {
            byte[] gz = Files.readAllBytes(d.trainLabels());
            gz[gz.length - 8] ^= (byte) 0x01;
            Files.write(d.trainLabels(), gz);
        }));
        cases.add(new Case(".gz holding raw IDX bytes", true, DataSet::testImages, "gzip",
                d -> Files.write(d.testImages(), IdxFixtures.imageFile(TEST, SIDE, SIDE))));
        cases.add(new Case(".gz holding text", true, DataSet::trainImages, "gzip",
                d -> Files.writeString(d.trainImages(), "not a gzip file\n")));
        // Empty files, directories, missing files.
        for (Function<DataSet, Path> f : List.<Function<DataSet, Path>>of(DataSet::trainImages, DataSet::trainLabels,
                DataSet::testImages, DataSet::testLabels)) {
            cases.add(new Case("empty " + name(f), false, f, "", d -> Files.write(f.apply(d), new byte[0])));
            cases.add(new Case("empty gzipped " + name(f), true, f, "", d -> Files.write(f.apply(d), new byte[0])));
            cases.add(new Case("directory instead of " + name(f), false, f, "", d -> {
                Files.delete(f.apply(d));
                Files.createDirectories(f.apply(d));
            }));
            cases.add(new Case("missing " + name(f), false, f, "missing", d -> Files.delete(f.apply(d))));
        }
        return cases;
    }

    private static String name(Function<DataSet, Path> f) {
        return f.apply(new DataSet(Path.of("d"), Path.of("train-images"), Path.of("train-labels"), Path.of("t10k-images"),
                Path.of("t10k-labels"))).toString();
    }

    @Test
    void theCorpusHasAtLeastFiftyCases() {
        assertTrue(corpus().size() >= 50, "cases: " + corpus().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void malformedInputExitsWith2NamingTheFileAndLeavesTheStoreAlone(Case c) throws Exception {
        Path dir = Files.createTempDirectory(shared, "case");
        DataSet d = IdxFixtures.writeDataDirectory(dir.resolve("data"), TRAIN, TEST, SIDE, SIDE, CLASSES, c.gzip());
        c.breaker().apply(d);
        Map<String, String> before = StoreListing.of(store);

        CliRunner.Outcome r = CliRunner.run("retrain", "--store", store.toString(), "--data", d.dir().toString(),
                "--master", "local[2]", "--epochs", "1", "--hidden", "8", "--max-test-error", "100");

        Path file = c.culprit().apply(d);
        List<String> errLines = r.err().lines().toList();
        assertAll(
                () -> assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode(), "exit code; stderr:\n" + r.err()),
                () -> assertEquals(1, errLines.size(), "one line; stderr:\n" + r.err()),
                () -> assertTrue(errLines.get(0).startsWith("error: " + file + ": "), errLines.get(0)),
                () -> assertTrue(errLines.get(0).contains(c.problem()), errLines.get(0)),
                () -> assertFalse(r.err().contains("Exception"), r.err()),
                () -> assertEquals(before, StoreListing.of(store), "the store is unchanged"));
    }

    @Test
    void aChampionThatDoesNotFitTheRecipeNamesTheFlagsThatHelpAndLeavesTheStoreAlone() throws Exception {
        DataSet d = IdxFixtures.writeDataDirectory(Files.createTempDirectory(shared, "case").resolve("data"), TRAIN,
                TEST, SIDE, SIDE, CLASSES, false);
        Map<String, String> before = StoreListing.of(store);

        CliRunner.Outcome r = CliRunner.run("retrain", "--store", store.toString(), "--data", d.dir().toString(),
                "--master", "local[2]", "--epochs", "1", "--hidden", "16", "--max-test-error", "100");

        assertAll(
                () -> assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode(), "exit code; stderr:\n" + r.err()),
                () -> assertEquals(List.of("error: " + store + "/versions/000001: has 8 hidden units, but --hidden is "
                        + "16 (use --from-scratch)"), r.err().lines().toList()),
                () -> assertEquals(before, StoreListing.of(store), "the store is unchanged"));
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
