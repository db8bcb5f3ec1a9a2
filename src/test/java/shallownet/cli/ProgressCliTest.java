package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;

/**
 * What {@code train} prints while it runs: the updating progress line (forced with --progress line,
 * as a terminal would get it), plain log lines when not at a terminal, and nothing with --quiet.
 * The log lines are caught by an appender on the "shallownet" logger, the rest on stdout/stderr.
 */
class ProgressCliTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final CapturedLog log = new CapturedLog("progress-test");
    private final List<String> logged = log.lines();

    private CliRunner.Outcome train(String... extra) {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 300, 60, 4, 4, 10, false);
        List<String> args = new ArrayList<>(List.of("train", "--master", "local[2]", "--data", data.dir().toString(),
                "--model-out", tmp.resolve("model-" + System.nanoTime()).toString(), "--epochs", "2"));
        args.addAll(List.of(extra));
        CliRunner.Outcome r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }

    private List<String> epochLines() {
        return logged.stream().filter(l -> l.contains("train loss")).toList();
    }

    @Test
    void atATerminalAnUpdatingLineThenTheEpochLines() {
        CliRunner.Outcome r = train("--progress", "line");
        // 300 samples, B=100: 3 steps per epoch; the first and last step of each epoch are always drawn.
        assertTrue(r.err().contains("\repoch 1/2  [######..............] 1/3 steps  - steps/s  ETA -  loss "), r.err());
        assertTrue(r.err().contains("\repoch 2/2  [####################] 3/3 steps  "), r.err());
        assertTrue(r.err().contains(" steps/s  ETA 0s  loss 0.2"), "running loss near the initial 0.23: " + r.err());
        assertEquals(3, epochLines().size(), "initial, epoch 1, epoch 2: " + logged);
        assertTrue(epochLines().get(2).startsWith("epoch   2/2"), epochLines().get(2));
    }

    @Test
    void notAtATerminalOnlyPlainLines() {
        CliRunner.Outcome r = train();   // --progress auto; a test JVM has no console
        assertFalse(r.err().contains("\r"), "no carriage returns in logs: " + r.err());
        assertFalse(r.err().contains("steps/s"), r.err());
        assertEquals(3, epochLines().size(), logged.toString());
    }

    @Test
    void quietPrintsNoProgressAndNoEpochLines() {
        CliRunner.Outcome r = train("--quiet", "--progress", "line");
        assertEquals("", r.out());
        assertFalse(r.err().contains("\r") || r.err().contains("steps/s") || r.err().contains("train loss"), r.err());
        assertEquals(List.of(), logged, "nothing logged by shallownet at INFO or above");
    }
}
