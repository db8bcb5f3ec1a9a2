package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive command of docs/cluster.md, read from the page as {@link YarnIT} reads it, run on
 * a small directory: what YarnIT then uploads as {@code spark.yarn.archive}, in seconds.
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
}
