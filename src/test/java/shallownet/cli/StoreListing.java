package shallownet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import shallownet.testutil.IdxFixtures;

/**
 * Every path under a directory with the SHA-256 of each file ("dir" for directories, "link to X" for
 * symbolic links, "other" for pipes and devices): a store's state.
 */
final class StoreListing {

    private StoreListing() {
    }

    static Map<String, String> of(Path root) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                // A link or a named pipe is listed as what it is, not followed (reading a pipe blocks).
                out.put(rel, Files.isSymbolicLink(p) ? "link to " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p) ? "dir"
                        : Files.isRegularFile(p) ? IdxFixtures.sha256(Files.readAllBytes(p)) : "other");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
