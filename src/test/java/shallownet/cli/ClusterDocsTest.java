package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.Docs;
import shallownet.testutil.StandaloneCluster;

/**
 * The archive command of docs/cluster.md, read from the page as {@link YarnIT} reads it, run on
 * a small directory: what YarnIT then uploads as {@code spark.yarn.archive}, in seconds. And the
 * page's secured settings against what {@code cluster.sh start} writes.
 */
class ClusterDocsTest {

    @TempDir
    Path tmp;

    @Test
    void theDocumentedArchiveCommandPacksTheJarsUncompressedAtTheTop() throws Exception {
        Path jars = Files.createDirectories(tmp.resolve("spark-home/jars"));
        Files.write(jars.resolve("a.jar"), new byte[4096]);
        Files.write(jars.resolve("b.jar"), new byte[] {1, 2, 3});
        Path zip = tmp.resolve("spark-jars.zip");

        Process jar = new ProcessBuilder(YarnIT.sparkJarsArchiveCommand(zip, jars)).redirectErrorStream(true).start();
        String out = new String(jar.getInputStream().readAllBytes());
        assertEquals(0, jar.waitFor(), out);

        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                if (!e.isDirectory() && !e.getName().startsWith("META-INF/")) { // jar's own manifest
                    names.add(e.getName());
                    // --no-compress, as documented: the jars inside are compressed already
                    assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                }
            }
        }
        Collections.sort(names);
        // at the archive's top level, where Spark looks for the jars of spark.yarn.archive
        assertEquals(List.of("a.jar", "b.jar"), names);
    }

    private static final Set<String> SECURED = Set.of("spark.authenticate", "spark.network.crypto.enabled",
            "spark.io.encryption.enabled");

    /** The standalone properties file of the page is the one cluster.sh writes; its secret command works. */
    @Test
    void theSecuredStandaloneSettingsAreTheOnesClusterShWrites() throws Exception {
        Map<String, String> page = properties(Docs.codeBlocks("docs/cluster.md", "Standalone, secured").get(0));
        Set<String> expected = new TreeSet<>(SECURED);
        expected.add("spark.authenticate.secret");
        assertEquals(expected, page.keySet());
        SECURED.forEach(k -> assertEquals("true", page.get(k), k));

        // cluster.sh start writes the same keys, with true, into spark-security.conf
        Map<String, String> script = new TreeMap<>();
        Matcher m = Pattern.compile("echo \"(spark\\.[a-z.]+)\\s+([^\"]+)\"")
                .matcher(Files.readString(StandaloneCluster.projectDir().resolve("src/main/sh/cluster.sh")));
        while (m.find()) {
            script.put(m.group(1), m.group(2));
        }
        assertEquals(expected, script.keySet());
        SECURED.forEach(k -> assertEquals("true", script.get(k), k));

        // the page's command for a secret gives 64 hex digits, as cluster.sh's does
        Matcher cmd = Pattern.compile("<64 hex digits: (.+)>").matcher(page.get("spark.authenticate.secret"));
        assertTrue(cmd.matches(), page.get("spark.authenticate.secret"));
        assertTrue(Files.readString(StandaloneCluster.projectDir().resolve("src/main/sh/cluster.sh"))
                .contains(cmd.group(1)), "cluster.sh makes its secret with " + cmd.group(1));
        Process p = new ProcessBuilder("bash", "-c", cmd.group(1)).redirectErrorStream(true).start();
        String secret = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), secret);
        assertTrue(secret.matches("[0-9a-f]{64}"), secret);
    }

    /** On YARN the page sets the three settings and no secret: Spark makes one per application. */
    @Test
    void theSecuredYarnSettingsHaveNoSecret() {
        List<String> blocks = Docs.codeBlocks("docs/cluster.md", "YARN, secured");
        Map<String, String> page = properties(blocks.get(0));
        assertEquals(new TreeSet<>(SECURED), page.keySet());
        SECURED.forEach(k -> assertEquals("true", page.get(k), k));
        // the command line sets the same three
        for (String k : SECURED) {
            assertTrue(blocks.get(1).contains("--conf " + k + "=true"), k + " in " + blocks.get(1));
        }
        assertFalse(blocks.get(1).contains("secret"), blocks.get(1));
    }

    private static Map<String, String> properties(String block) {
        Map<String, String> p = new TreeMap<>();
        for (String line : block.lines().map(String::strip).toList()) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                String[] kv = line.split("\\s+", 2);
                p.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return p;
    }
}
