package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.BadInputException;
import shallownet.model.ModelFiles;

/** The store's history files through Hadoop's local FileSystem: what is appended is read back, whole. */
class JsonLinesTest {

    @TempDir
    java.nio.file.Path tmp;

    private final Configuration conf = new Configuration();
    private FileSystem fs;
    private Path file;

    @BeforeEach
    void localFileSystem() throws Exception {
        file = new Path(tmp.resolve("history.jsonl").toUri());
        fs = shallownet.HadoopFiles.of(file, conf); // as the store opens it: no checksum files
    }

    private static ObjectNode run(String id, double loss) {
        return ModelFiles.json().createObjectNode().put("run_id", id).put("loss", loss);
    }

    private void write(String text) throws Exception {
        Files.writeString(tmp.resolve("history.jsonl"), text, StandardCharsets.UTF_8);
    }

    @Test
    void aFileThatIsNotThereHasNoLines() throws Exception {
        assertEquals(List.of(), JsonLines.read(fs, file, true));
    }

    @Test
    void appendedObjectsAreReadBackInOrderOneLineEach() throws Exception {
        JsonLines.append(fs, conf, file, run("a", 0.5), true);
        JsonLines.append(fs, conf, file, run("b", 0.25), true);
        JsonLines.append(fs, conf, file, run("c", 0.125), true);
        List<ObjectNode> lines = JsonLines.read(fs, file, true);
        assertEquals(List.of(run("a", 0.5), run("b", 0.25), run("c", 0.125)), lines);
        String text = Files.readString(tmp.resolve("history.jsonl"));
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.endsWith("}\n"), "every line ends with a newline: " + text);
    }

    @Test
    void appendingRewritesTheWholeFileAndLeavesNoTemporaryFileBeside() throws Exception {
        JsonLines.append(fs, conf, file, run("a", 0.5), true);
        JsonLines.append(fs, conf, file, run("b", 0.25), true);
        try (Stream<java.nio.file.Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList();
            assertEquals(List.of("history.jsonl"), names);
        }
    }

    @Test
    void aLastLineWithoutNewlineIsKeptAndTheNextOneStartsOnItsOwnLine() throws Exception {
        write("{\"run_id\":\"by hand\"}");
        JsonLines.append(fs, conf, file, run("b", 0.25), true);
        List<ObjectNode> lines = JsonLines.read(fs, file, true);
        assertEquals(2, lines.size());
        assertEquals("by hand", lines.get(0).get("run_id").asText());
        assertEquals(run("b", 0.25), lines.get(1));
    }

    @Test
    void blankLinesAreSkipped() throws Exception {
        write("{\"run_id\":\"a\"}\n\n   \n{\"run_id\":\"b\"}\n");
        assertEquals(2, JsonLines.read(fs, file, true).size());
    }

    @Test
    void aTornLineIsReportedWithTheFileAndItsLineNumberWhereNoneIsAllowed() throws Exception {
        // promotions.jsonl: the champion is decided from it, so a cut-short line is an error.
        write("{\"run_id\":\"a\"}\n{\"run_id\":\"b\"}\n{\"run_id\":\"c\",\"lo");
        BadInputException e = assertThrows(BadInputException.class, () -> JsonLines.read(fs, file, false));
        assertEquals(file + ": line 3 is not a JSON object; repair or remove it by hand (the store reads the whole file)",
                e.getMessage());
    }

    @Test
    void aCutShortLastLineIsLeftOutAndSetAsideWholeOnTheNextAppend() throws Exception {
        String torn = "{\"run_id\":\"c\",\"lo";
        write("{\"run_id\":\"a\"}\n{\"run_id\":\"b\"}\n" + torn);
        assertEquals(2, JsonLines.read(fs, file, true).size());
        JsonLines.append(fs, conf, file, run("d", 0.5), true);
        List<ObjectNode> lines = JsonLines.read(fs, file, false);
        assertEquals(List.of("a", "b", "d"), lines.stream().map(l -> l.path("run_id").asText()).toList());
        try (Stream<java.nio.file.Path> left = Files.list(tmp)) {
            List<java.nio.file.Path> aside = left.filter(p -> p.getFileName().toString().startsWith("history.jsonl.torn-")
                    && !p.toString().endsWith(".crc")).toList();
            assertEquals(1, aside.size(), "the torn tail set aside");
            assertEquals(torn, Files.readString(aside.get(0)));
        }
        // A torn line in the middle (a newline after it) is no cut-short tail: still an error.
        write("{\"run_id\":\"a\"}\n{\"run_id\n{\"run_id\":\"b\"}\n");
        assertThrows(BadInputException.class, () -> JsonLines.read(fs, file, true));
    }

    @Test
    void aLineThatIsJsonButNotAnObjectIsReportedToo() throws Exception {
        write("{\"run_id\":\"a\"}\n[1, 2]\n");
        BadInputException e = assertThrows(BadInputException.class, () -> JsonLines.read(fs, file, true));
        assertTrue(e.getMessage().startsWith(file + ": line 2 is not a JSON object;"), e.getMessage());
    }
}
