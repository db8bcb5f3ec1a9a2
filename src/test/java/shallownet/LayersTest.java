package shallownet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows of docs/design.md: every package of src/main/java uses only packages of a lower
 * layer (and the top-level {@code shallownet} classes), never one beside or above it. A new
 * package must be given its layer here.
 */
class LayersTest {

    /** Layer of each package; a package may use only packages of a strictly lower layer. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("", 0),          // shallownet: failures, the atomic writer, Hadoop paths
            Map.entry("net", 1), Map.entry("idx", 1), Map.entry("image", 1),
            Map.entry("data", 2), Map.entry("model", 2), Map.entry("fetch", 2), Map.entry("onnx", 2),
            Map.entry("train", 3),
            Map.entry("report", 4), Map.entry("store", 4),
            Map.entry("run", 5), Map.entry("ml", 5),
            Map.entry("cli", 6));

    private static final Path SOURCES = Path.of("src/main/java/shallownet");
    private static final Pattern USE = Pattern.compile("\\bshallownet\\.([a-z]+)\\.[A-Za-z]");

    @Test
    void noPackageUsesOneBesideOrAboveIt() throws IOException {
        List<String> upward = new ArrayList<>();
        TreeSet<String> packages = new TreeSet<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(SOURCES)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                Path dir = SOURCES.relativize(f.getParent());
                String from = dir.toString().replace('/', '.');
                packages.add(from);
                Integer fromLayer = LAYERS.get(from);
                assertTrue(fromLayer != null, "package shallownet." + from + " has no layer in LayersTest (and "
                        + "docs/design.md): decide where it belongs");
                Matcher m = USE.matcher(code(Files.readString(f)));
                while (m.find()) {
                    String to = m.group(1);
                    if (to.equals(from)) {
                        continue;
                    }
                    Integer toLayer = LAYERS.get(to);
                    if (toLayer == null || toLayer >= fromLayer) {
                        upward.add(SOURCES.relativize(f) + " uses shallownet." + to);
                    }
                }
            }
        }
        assertTrue(files > 50, "found the sources (" + files + " files under " + SOURCES.toAbsolutePath() + ")");
        assertTrue(packages.containsAll(List.of("cli", "run", "store", "train", "net")), packages.toString());
        assertEquals(List.of(), upward, "imports that point up or sideways");
    }

    @Test
    void theCheckSeesAnUpwardImport() {
        // The scanner itself: an import of cli from train is found, one in a comment is not.
        Matcher m = USE.matcher(code("package shallownet.train;\n// see shallownet.cli.Main\nimport shallownet.cli.ExitCode;\n"));
        assertTrue(m.find());
        assertEquals("cli", m.group(1));
        assertTrue(!m.find());
    }

    /** The source without comments (they may name any class). */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }
}
