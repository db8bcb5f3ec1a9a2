package shallownet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's one whole-file writer: the old content or the new one, never half of either. */
class AtomicFileTest {

    @TempDir
    Path tmp;

    @Test
    void aWriteThatIsNotCommittedLeavesTheOldFileAndNoSibling() throws Exception {
        Path target = tmp.resolve("report.html");
        Configuration conf = new Configuration();
        AtomicFile.write(conf, target.toString(), "old\n".getBytes(StandardCharsets.UTF_8));
        try (AtomicFile f = AtomicFile.create(conf, target.toString())) {
            f.stream().write("half of the n".getBytes(StandardCharsets.UTF_8));
            // no commit: e.g. the run failed while writing
        }
        assertEquals("old\n", Files.readString(target));
        assertEquals(List.of("report.html"), names());

        AtomicFile.write(conf, target.toString(), "new\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("new\n", Files.readString(target));
        assertEquals(List.of("report.html"), names());
    }

    private List<String> names() throws Exception {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
