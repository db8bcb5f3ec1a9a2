package shallownet.testutil;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real full file system: a small tmpfs mounted on a directory and filled to the last byte, so
 * that every write in it fails with "No space left on device" as on a full disk. Mounting needs
 * root (as the session and CI run); elsewhere the test is skipped with a message, except in CI
 * ({@code CI=true}), where it fails.
 */
public final class FullDisk implements AutoCloseable {

    private final Path dir;

    private FullDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts a 64 KiB tmpfs on {@code dir} (created) and fills it. */
    public static FullDisk mount(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) {
            String why = "cannot mount a tmpfs to make a full disk (needs root): " + out.strip();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        FullDisk disk = new FullDisk(dir);
        try (OutputStream o = Files.newOutputStream(dir.resolve("filler"))) {
            byte[] block = new byte[4096];
            while (true) {
                o.write(block);
                o.flush();
            }
        } catch (IOException full) {
            // full: what we wanted
        }
        return disk;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
}
