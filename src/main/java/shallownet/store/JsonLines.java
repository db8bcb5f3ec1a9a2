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

    /**
     * The lines of {@code p}, each a JSON object. With {@code tornTail}, a last line that is cut
     * short (no newline after it, and not JSON: the file was truncated, e.g. copied while written
     * or by a full disk outside this program) is left out; see {@link #tornTail}. Any other line
     * that is not a JSON object is an error naming the file and the line.
     */
    static List<ObjectNode> read(FileSystem fs, Path p, boolean tornTail) throws IOException {
        String text = StoreFiles.readText(fs, p);
        List<ObjectNode> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        String torn = tornTail ? tornTail(text) : null;
        String[] lines = (torn == null ? text : text.substring(0, text.length() - torn.length())).split("\n");
        int lineNo = 0;
        for (String line : lines) {
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
            throw BadInputException.about(p, "line " + lineNo + " is not a JSON object; repair or remove it by hand "
                    + "(the store reads the whole file)");
        }
        return out;
    }

    /** The file's last line if it is cut short (no newline, not JSON), else null. */
    static String tornTail(String text) {
        if (text.isEmpty() || text.endsWith("\n")) {
            return null;
        }
        String last = text.substring(text.lastIndexOf('\n') + 1);
        try {
            if (ModelFiles.json().readTree(last) instanceof ObjectNode) {
                return null; // whole, only its newline is missing
            }
        } catch (JsonProcessingException e) {
            // cut short
        }
        return last;
    }

    /**
     * Appends {@code line}. With {@code tornTail}, a cut-short last line is first set aside whole
     * in {@code NAME.torn-<millis>} beside the file (nothing read is lost), then left out.
     */
    static void append(FileSystem fs, Configuration conf, Path p, ObjectNode line, boolean tornTail)
            throws IOException {
        String old = StoreFiles.readText(fs, p);
        String torn = old != null && tornTail ? tornTail(old) : null;
        if (torn != null) {
            Path aside = new Path(p.getParent(), p.getName() + ".torn-" + System.currentTimeMillis());
            StoreFiles.writeAtomically(fs, conf, aside, torn);
            old = old.substring(0, old.length() - torn.length());
        }
        StringBuilder b = new StringBuilder(old == null ? "" : old);
        if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
        b.append(line.toString()).append('\n');
        StoreFiles.writeAtomically(fs, conf, p, b.toString());
    }
}
