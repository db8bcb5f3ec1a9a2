package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;

/** A --report path that cannot be written is refused before any training, as a one-line usage error. */
class ReportOptionTest {

    @TempDir
    Path tmp;

    @Test
    void aDirectoryOrAPathUnderAFileIsRefusedBeforeTraining() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 30, 10, 4, 4, 10, false);
        Path dir = Files.createDirectories(tmp.resolve("reports"));
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        String[][] cases = {{dir.toString(), dir + ": is a directory; --report takes a file name, e.g. run.html"},
                {file.resolve("r.html").toString(), file.resolve("r.html") + ": " + file + " is a file, not a directory"}};
        for (String[] c : cases) {
            Path model = tmp.resolve("model");
            CliRunner.Outcome r = CliRunner.run("train", "--master", "local[1]", "--data", data.dir().toString(),
                    "--model-out", model.toString(), "--report", c[0]);
            assertEquals(2, r.exitCode(), r.err());
            assertEquals("error: " + c[1], r.err().strip().lines().reduce((a, b) -> b).orElse(""));
            assertFalse(Files.exists(model), "no training, no model");
        }
    }
}
