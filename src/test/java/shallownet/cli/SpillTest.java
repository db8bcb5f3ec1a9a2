package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.testutil.CountingFileSystem;
import shallownet.testutil.ExpectedLog;
import shallownet.testutil.IdxFixtures;

/**
 * A training set larger than the storage memory Spark is given: it spills to local disk once and is
 * read back from there, never recomputed from the input files on each step; the run says so in one
 * line, records it in the metrics and the report, and trains exactly the weights of a run where the
 * data fits. Spark's own test setting limits the memory it manages, so the data stays small (5 MB).
 */
class SpillTest {

    private static final String IMAGES = "train-images-idx3-ubyte";

    @RegisterExtension
    final CapturedLog log = new CapturedLog("spill-test");

    @TempDir
    Path tmp;

    @Test
    void aTrainingSetLargerThanStorageMemorySpillsOnceAndTrainsTheSameWeights() throws Exception {
        // 6000 samples of 28x28 in 2 partitions: 2.4 MB each, 5.5 MB with the test set.
        IdxFixtures.writeDataDirectory(tmp.resolve("data"), 6000, 1000, 28, 28, 10, false);
        String data = CountingFileSystem.url(tmp.resolve("data"));

        Run fits = train(data, tmp.resolve("fits"), null);
        assertTrue(fits.imageOpens < 10, "opens when the data fits: " + fits.imageOpens);
        Run spills;
        // Spark warns of each block it puts on disk: expected here, so asserted rather than printed.
        try (ExpectedLog sparkLog = ExpectedLog.of("org.apache.spark.storage")) {
            spills = train(data, tmp.resolve("spills"), 3L << 20); // 3 MiB of storage: one partition fits
            assertFalse(sparkLog.find(Level.WARN, "to disk instead").isEmpty(), "Spark's spill warnings: "
                    + sparkLog.lines());
        }

        String fitsLine = fits.cacheLine();
        assertTrue(fitsLine.contains("nothing on disk"), fitsLine);
        assertTrue(fits.metrics.path("cache_all_in_memory").asBoolean(), fits.metrics.toString());
        assertEquals(0, fits.metrics.path("cache_disk_bytes").asLong());

        String spillLine = spills.cacheLine();
        assertTrue(spillLine.contains("spilled to local disk") && spillLine.contains("--driver-memory"), spillLine);
        assertFalse(spills.metrics.path("cache_all_in_memory").asBoolean(), spills.metrics.toString());
        assertTrue(spills.metrics.path("cache_disk_bytes").asLong() > 1_000_000, spills.metrics.toString());
        assertEquals(4, spills.metrics.path("cache_partitions_cached").asInt(), "nothing left uncached");
        String report = Files.readString(spills.report);
        assertTrue(report.contains("Cached data") && report.contains("spilled to local disk"), "report section");

        // 12 steps: a partition recomputed on each step would open the images 12 more times.
        assertEquals(fits.imageOpens, spills.imageOpens, "opens of " + IMAGES + " with the data spilled");

        Configuration conf = new Configuration();
        assertArrayEquals(ModelFiles.load(conf, fits.model.toString()).params(),
                ModelFiles.load(conf, spills.model.toString()).params(), "same weights, bit for bit");
    }

    private record Run(List<String> log, JsonNode metrics, int imageOpens, Path model, Path report) {
        String cacheLine() {
            List<String> lines = log.stream().filter(l -> l.startsWith("cached training and test sets")).toList();
            assertEquals(1, lines.size(), "one cache line in " + log);
            return lines.get(0);
        }
    }

    private Run train(String data, Path dir, Long storageBytes) throws Exception {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        props.put("spark.hadoop.fs." + CountingFileSystem.SCHEME + ".impl", CountingFileSystem.class.getName());
        if (storageBytes != null) {
            // Storage memory = (spark.testing.memory - reserved) * spark.memory.fraction.
            props.put("spark.testing.memory", String.valueOf(storageBytes * 10 / 6));
            props.put("spark.testing.reservedMemory", "0");
            props.put("spark.memory.fraction", "0.6");
        }
        props.forEach(System::setProperty);
        CountingFileSystem.reset();
        log.lines().clear();
        try {
            Path model = dir.resolve("model");
            Path metrics = dir.resolve("metrics.jsonl");
            Path report = dir.resolve("run.html");
            CliRunner.Outcome r = CliRunner.run("train", "--data", data, "--master", "local[2]", "--partitions", "2",
                    "--epochs", "1", "--batch-size", "500", "--model-out", model.toString(),
                    "--metrics-out", metrics.toString(), "--report", report.toString(), "--progress", "off");
            assertEquals(0, r.exitCode(), r.err());
            List<String> lines = Files.readAllLines(metrics);
            JsonNode last = ModelFiles.json().readTree(lines.get(lines.size() - 1));
            return new Run(List.copyOf(log.lines()), last, CountingFileSystem.opens(IMAGES), model, report);
        } finally {
            props.keySet().forEach(System::clearProperty);
        }
    }
}
