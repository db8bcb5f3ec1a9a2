package shallownet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.model.ModelFiles;
import shallownet.train.EpochMetrics;

/** The metrics file is rewritten whole after every epoch: complete lines only, no leftovers. */
class MetricsFileTest {

    @TempDir
    Path tmp;

    @Test
    void everyEpochRewritesTheFileWithCompleteLinesAndSaysOnceWhatAnInterruptionLeaves() throws Exception {
        Path file = tmp.resolve("out/metrics.jsonl");
        List<String> outcomes = new ArrayList<>();
        MetricsFile m = new MetricsFile(new Configuration(), file.toString(), outcomes::add);
        for (int epoch = 0; epoch < 3; epoch++) {
            m.epoch(new EpochMetrics(epoch, 2.3 - epoch, 90 - 10 * epoch, 2.4 - epoch, 91 - 10 * epoch, epoch, 1,
                    Double.NaN, Double.NaN));
            String text = Files.readString(file);
            assertTrue(text.endsWith("\n"), "ends with a whole line");
            String[] lines = text.split("\n");
            assertEquals(epoch + 1, lines.length);
            for (int i = 0; i < lines.length; i++) {
                JsonNode j = ModelFiles.json().readTree(lines[i]);
                assertEquals(i, j.get("epoch").asInt());
                assertTrue(!j.has("validation_loss"), "no validation split, no validation fields");
            }
        }
        assertEquals(1, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.get(0).contains(file.toString()), outcomes.get(0));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of("metrics.jsonl"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary sibling left");
        }
    }
}
