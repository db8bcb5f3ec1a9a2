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
        fs = file.getFileSystem(conf);
    }

    private static ObjectNode run(String id, double loss) {
        return ModelFiles.json().createObjectNode().put("run_id", id).put("loss", loss);
    }

    private void write(String text) throws Exception {
        Files.writeString(tmp.resolve("history.jsonl"), text, StandardCharsets.UTF_8);
    }

    @Test
    void aFileThatIsNotThereHasNoLines() throws Exception {
        assertEquals(List.of(), JsonLines.read(fs, file));
    }

    @Test
    void appendedObjectsAreReadBackInOrderOneLineEach() throws Exception {
        JsonLines.append(fs, conf, file, run("a", 0.5));
        JsonLines.append(fs, conf, file, run("b", 0.25));
        JsonLines.append(fs, conf, file, run("c", 0.125));
        List<ObjectNode> lines = JsonLines.read(fs, file);
        assertEquals(List.of(run("a", 0.5), run("b", 0.25), run("c", 0.125)), lines);
        String text = Files.readString(tmp.resolve("history.jsonl"));
        assertEquals(3, text.lines().count(), text);
        assertTrue(text.endsWith("}\n"), "every line ends with a newline: " + text);
    }

    @Test
    void appendingRewritesTheWholeFileAndLeavesNoTemporaryFileBeside() throws Exception {
        JsonLines.append(fs, conf, file, run("a", 0.5));
        JsonLines.append(fs, conf, file, run("b", 0.25));
        try (Stream<java.nio.file.Path> left = Files.list(tmp)) {
            // Hadoop's local file system keeps a checksum file (.history.jsonl.crc) beside its files.
            List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList();
            assertEquals(List.of("history.jsonl"), names);
        }
    }

    @Test
    void aLastLineWithoutNewlineIsKeptAndTheNextOneStartsOnItsOwnLine() throws Exception {
        write("{\"run_id\":\"by hand\"}");
        JsonLines.append(fs, conf, file, run("b", 0.25));
        List<ObjectNode> lines = JsonLines.read(fs, file);
        assertEquals(2, lines.size());
        assertEquals("by hand", lines.get(0).get("run_id").asText());
        assertEquals(run("b", 0.25), lines.get(1));
    }

    @Test
    void blankLinesAreSkipped() throws Exception {
        write("{\"run_id\":\"a\"}\n\n   \n{\"run_id\":\"b\"}\n");
        assertEquals(2, JsonLines.read(fs, file).size());
    }

    @Test
    void aTornLineIsReportedWithTheFileAndItsLineNumber() throws Exception {
        write("{\"run_id\":\"a\"}\n{\"run_id\":\"b\"}\n{\"run_id\":\"c\",\"lo");
        BadInputException e = assertThrows(BadInputException.class, () -> JsonLines.read(fs, file));
        assertEquals(file + ": line 3 is not a JSON object", e.getMessage());
    }

    @Test
    void aLineThatIsJsonButNotAnObjectIsReportedToo() throws Exception {
        write("{\"run_id\":\"a\"}\n[1, 2]\n");
        BadInputException e = assertThrows(BadInputException.class, () -> JsonLines.read(fs, file));
        assertEquals(file + ": line 2 is not a JSON object", e.getMessage());
    }
}
