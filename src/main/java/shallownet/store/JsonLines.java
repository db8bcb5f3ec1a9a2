package shallownet.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;
import shallownet.model.ModelFiles;

/**
 * The store's JSON Lines files. Appending is done by rewriting the whole file and renaming it
 * over the old one ({@link StoreFiles#writeAtomically}): HDFS appends need extra configuration
 * and object stores have none, and the files stay small (one line per run or promotion).
 */
final class JsonLines {

    private JsonLines() {
    }

    static List<ObjectNode> read(FileSystem fs, Path p) throws IOException {
        String text = StoreFiles.readText(fs, p);
        List<ObjectNode> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = ModelFiles.json().readTree(line);
                if (n instanceof ObjectNode o) {
                    out.add(o);
                    continue;
                }
            } catch (JsonProcessingException e) {
                // reported below
            }
            throw BadInputException.about(p, "line " + lineNo + " is not a JSON object");
        }
        return out;
    }

    static void append(FileSystem fs, Configuration conf, Path p, ObjectNode line) throws IOException {
        String old = StoreFiles.readText(fs, p);
        StringBuilder b = new StringBuilder(old == null ? "" : old);
        if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
        b.append(line.toString()).append('\n');
        StoreFiles.writeAtomically(fs, conf, p, b.toString());
    }
}
