package shallownet.model;

import static shallownet.SettingWords.setting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.HadoopFiles;

/**
 * A run's claim on the model directory it will write, taken before any work: a file
 * {@code .NAME.claim} beside the target that only one process can create. Two runs started at
 * once with the same model output: the second is refused in seconds instead of training fully
 * and then finding the directory taken. The claim holds its owner (host, pid, start, a token);
 * one left by a process that no longer runs on this host is taken over, one from another host is
 * named in the error with how to remove it. It is removed when the run ends, on a signal too.
 */
public final class ModelClaim implements AutoCloseable {

    private final FileSystem fs;
    private final Path path;
    private final String token;
    /** The first directory this claim had to create, removed again if the run left it empty (null: none). */
    private final Path created;

    private ModelClaim(FileSystem fs, Path path, String token, Path created) {
        this.fs = fs;
        this.path = path;
        this.token = token;
        this.created = created;
    }

    /** The claim file of model directory {@code dir}. */
    public static Path claimPath(Path dir) {
        return new Path(dir.getParent(), "." + dir.getName() + ".claim");
    }

    /** Claims {@code dir} for this process, or fails naming the run that holds it. */
    public static ModelClaim take(Configuration conf, String dir) throws IOException {
        Path target = new Path(dir);
        FileSystem fs = HadoopFiles.of(target, conf);
        if (fs instanceof LocalFileSystem local) {
            fs = local.getRawFileSystem(); // no .crc side file beside the claim
        }
        Path path = claimPath(fs.makeQualified(target));
        Path created = null;
        for (Path d = path.getParent(); d != null && !fs.exists(d); d = d.getParent()) {
            created = d;
        }
        if (created != null) {
            fs.mkdirs(path.getParent());
        }
        String token = UUID.randomUUID().toString();
        ObjectNode owner = ModelFiles.json().createObjectNode();
        owner.put("host", hostName());
        owner.put("pid", ProcessHandle.current().pid());
        owner.put("started", Instant.now().toString());
        owner.put("token", token);
        byte[] content = owner.toString().getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 3; attempt++) {
            if (tryCreate(fs, path, content)) {
                fs.deleteOnExit(path);
                return new ModelClaim(fs, path, token, created);
            }
            JsonNode holder = read(fs, path);
            if (holder == null) {
                continue; // released meanwhile
            }
            boolean here = hostName().equals(holder.path("host").asText());
            boolean alive = !holder.has("pid") || ProcessHandle.of(holder.path("pid").asLong())
                    .map(ProcessHandle::isAlive).orElse(false);
            if (here && !alive) {
                fs.delete(path, false); // left by a run that was killed: take it over
                continue;
            }
            removeCreated(fs, path.getParent(), created);
            throw BadInputException.about(dir, "another run (pid " + holder.path("pid").asText("?") + " on "
                    + holder.path("host").asText("?") + ", started " + holder.path("started").asText("?")
                    + ") is writing this ", setting("modelOut"), "; wait for it or choose another ",
                    setting("modelOut"), here ? "" : "; if that run is gone, remove " + path);
        }
        removeCreated(fs, path.getParent(), created);
        throw BadInputException.about(dir, "could not claim it: " + path + " keeps appearing; choose another ",
                setting("modelOut"));
    }

    private static boolean tryCreate(FileSystem fs, Path path, byte[] content) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            java.nio.file.Path file = local.pathToFile(path).toPath();
            try {
                Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                Files.deleteIfExists(file); // created but not written (disk full): leave nothing behind
                throw new CommandFailure(path + ": cannot write (" + CommandFailure.rootMessage(e) + ")", e);
            }
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(content);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private static JsonNode read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            try {
                return ModelFiles.json().readTree(b.toByteArray());
            } catch (IOException e) {
                return ModelFiles.json().createObjectNode(); // half-written: owner unknown
            }
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    @Override
    public void close() throws IOException {
        JsonNode holder = read(fs, path);
        if (holder != null && token.equals(holder.path("token").asText())) {
            fs.delete(path, false);
        }
        fs.cancelDeleteOnExit(path);
        removeCreated(fs, path.getParent(), created);
    }

    /** A failed run leaves no empty directories of its own making (models/ of the default output). */
    private static void removeCreated(FileSystem fs, Path dir, Path created) throws IOException {
        for (Path d = dir; created != null && d != null; d = d.getParent()) {
            if (!fs.exists(d) || fs.listStatus(d).length > 0 || !fs.delete(d, false) || d.equals(created)) {
                break;
            }
        }
    }
}
