package shallownet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import shallownet.model.ModelFiles;

/**
 * The store's lock, a file {@code STORE/LOCK} that only one creator can create: on HDFS through
 * {@code create(overwrite=false)}, which the NameNode makes atomic; on a local disk through
 * {@code O_CREAT|O_EXCL} ({@link StandardOpenOption#CREATE_NEW}), because Hadoop's local file system
 * checks for the file and then creates it, so racing creators all "succeed". It holds its owner (host,
 * pid, run id, command, start time, a random token) and its modification time is the heartbeat,
 * refreshed by a daemon thread. A lock whose heartbeat is older than the timeout, or whose owner
 * ran on this host under a pid that no longer exists, belongs to a dead run and is taken over.
 *
 * <p>On object stores, create-if-absent is not atomic on every implementation (S3 has conditional
 * writes only recently, S3A uses them from Hadoop 3.4.2): there, run one scheduler per store.
 */
public final class StoreLock implements AutoCloseable {

    public static final String FILE = "LOCK";
    /** How long a new lock file may stay empty while its creator writes it before it counts as half-written. */
    private static final long WRITING_MILLIS = 5_000;

    private final ModelStore store;
    private final Path path;
    private final ObjectNode owner;
    private final Thread heartbeat;
    private final String tookOverFrom;
    private volatile boolean released;

    private StoreLock(ModelStore store, Path path, ObjectNode owner, Duration timeout, String tookOverFrom) {
        this.store = store;
        this.path = path;
        this.owner = owner;
        this.tookOverFrom = tookOverFrom;
        long every = Math.max(200, timeout.toMillis() / 4);
        this.heartbeat = new Thread(() -> beat(every), "store-lock-heartbeat");
        this.heartbeat.setDaemon(true);
        this.heartbeat.start();
    }

    /** Options of an acquisition: who asks, how long a silent holder counts as alive, how long to wait. */
    public static final class Builder {
        private final ModelStore store;
        private String runId;
        private String command = "retrain";
        private Duration timeout = Duration.ofMinutes(10);
        private Duration wait = Duration.ZERO;
        private Optional<YarnAttempt> yarn = YarnAttempt.current();

        Builder(ModelStore store) {
            this.store = store;
        }

        public Builder runId(String id) {
            this.runId = id;
            return this;
        }

        public Builder command(String c) {
            this.command = c;
            return this;
        }

        /** A holder whose heartbeat is older than this is dead. */
        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        /** How long to wait for a live holder before failing with exit code 4. */
        public Builder waitFor(Duration d) {
            this.wait = d;
            return this;
        }

        /** Which YARN application attempt asks (default: this JVM's, if YARN started it). */
        public Builder yarnAttempt(Optional<YarnAttempt> attempt) {
            this.yarn = attempt;
            return this;
        }

        public StoreLock acquire() throws IOException, InterruptedException {
            return StoreLock.acquire(store, runId, command, timeout, wait, yarn);
        }
    }

    static StoreLock acquire(ModelStore store, String runId, String command, Duration timeout, Duration wait,
                             Optional<YarnAttempt> yarn) throws IOException, InterruptedException {
        FileSystem fs = lockFileSystem(store);
        Path path = new Path(store.root(), FILE);
        fs.mkdirs(store.root());
        ObjectNode owner = ModelFiles.json().createObjectNode();
        owner.put("host", hostName());
        owner.put("pid", ProcessHandle.current().pid());
        owner.put("user", System.getProperty("user.name"));
        owner.put("run_id", runId);
        owner.put("command", command);
        owner.put("started", Instant.now().toString());
        owner.put("token", UUID.randomUUID().toString());
        yarn.ifPresent(y -> owner.put("yarn_application", y.applicationId()).put("yarn_attempt", y.attempt()));
        long deadline = System.nanoTime() + wait.toNanos();
        String tookOver = null;
        while (true) {
            if (tryCreate(fs, path, owner)) {
                return new StoreLock(store, path, owner, timeout, tookOver);
            }
            Holder holder = Holder.read(fs, path);
            if (holder == null) {
                continue; // released between our attempt and the read: try again
            }
            if (holder.token().isEmpty() && System.currentTimeMillis() - holder.heartbeatMillis() < WRITING_MILLIS) {
                Thread.sleep(10); // created a moment ago and not yet written by its creator: read it again
                continue;
            }
            if (holder.dead(timeout, yarn)) {
                if (takeOver(fs, path, holder, timeout)) {
                    tookOver = holder.describe();
                } else {
                    Thread.sleep(20); // another process is removing it
                }
                continue;
            }
            if (System.nanoTime() >= deadline) {
                throw new StoreLockedException(path + ": the store is locked by " + (holder == null ? "another process"
                        : holder.describe()), true);
            }
            Thread.sleep(Math.min(1000, Math.max(50, wait.toMillis() / 20)));
        }
    }

    private static boolean tryCreate(FileSystem fs, Path path, ObjectNode owner) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            try {
                Files.write(local.pathToFile(path).toPath(), owner.toString().getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(owner.toString().getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // Some file systems report an existing file with a plain IOException.
            if (fs.exists(path)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Removes a dead holder's lock so that the usual create decides who gets it next. Only the
     * process that creates the claim file named after that holder may delete its lock, so two
     * contenders never both remove a lock, and never a newer, live one: a holder's token is unique,
     * and once its lock is gone no file with that token appears again. A claim left by a process
     * killed during a takeover expires after the lock timeout.
     *
     * @return false if another process holds the claim
     */
    private static boolean takeOver(FileSystem fs, Path path, Holder dead, Duration timeout) throws IOException {
        Path claim = new Path(path.getParent(), FILE + ".takeover-" + dead.identity());
        ObjectNode by = ModelFiles.json().createObjectNode().put("pid", ProcessHandle.current().pid());
        if (!tryCreate(fs, claim, by)) {
            try {
                if (System.currentTimeMillis() - fs.getFileStatus(claim).getModificationTime() > timeout.toMillis()) {
                    fs.delete(claim, false);
                }
            } catch (FileNotFoundException e) {
                // finished meanwhile
            }
            return false;
        }
        try {
            Holder now = Holder.read(fs, path);
            if (now != null && now.identity().equals(dead.identity())) {
                fs.delete(path, false);
            }
        } finally {
            fs.delete(claim, false);
        }
        return true;
    }

    private void beat(long everyMillis) {
        while (!released) {
            try {
                Thread.sleep(everyMillis);
                if (!released) {
                    lockFileSystem(store).setTimes(path, System.currentTimeMillis(), -1);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // A missed beat only makes the lock look older; checkStillHeld() catches a takeover.
            }
        }
    }

    public JsonNode owner() {
        return owner;
    }

    /** The dead holder whose lock this acquisition removed before taking it, if it did. */
    public Optional<String> tookOverFrom() {
        return Optional.ofNullable(tookOverFrom);
    }

    /** Fails ({@link StoreLockedException}) if another process took the lock over, e.g. after a long pause of this one. */
    public void checkStillHeld() throws IOException {
        Holder h = Holder.read(lockFileSystem(store), path);
        if (released || h == null || !h.token().equals(owner.path("token").asText())) {
            throw new StoreLockedException(false, path + ": this run lost the store's lock" + (h == null ? "" : " to "
                    + h.describe()) + "; nothing was promoted");
        }
    }

    @Override
    public void close() throws IOException {
        released = true;
        heartbeat.interrupt();
        Holder h = Holder.read(lockFileSystem(store), path);
        if (h != null && h.token().equals(owner.path("token").asText())) {
            lockFileSystem(store).delete(path, false);
        }
    }

    /**
     * The file system the lock lives on; for a local store, the raw one: no {@code .crc} side file,
     * which a reader could otherwise catch half-written and take for corruption.
     */
    private static FileSystem lockFileSystem(ModelStore store) {
        return store.fs() instanceof LocalFileSystem local ? local.getRawFileSystem() : store.fs();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /** The lock file as found: its owner and heartbeat time. */
    record Holder(JsonNode owner, long heartbeatMillis) {

        static Holder read(FileSystem fs, Path p) throws IOException {
            try {
                FileStatus s = fs.getFileStatus(p);
                String text = StoreFiles.readText(fs, p);
                if (text == null) {
                    return null;
                }
                JsonNode owner;
                try {
                    owner = ModelFiles.json().readTree(text);
                } catch (IOException e) {
                    // Half-written by a process killed while creating it: only the heartbeat counts.
                    owner = ModelFiles.json().createObjectNode();
                }
                return new Holder(owner, s.getModificationTime());
            } catch (FileNotFoundException e) {
                return null;
            }
        }

        String token() {
            return owner.path("token").asText("");
        }

        /** Names this lock file among all that ever existed: its random token, or for a half-written one its time. */
        String identity() {
            String t = token().replaceAll("[^A-Za-z0-9-]", "");
            return t.isEmpty() ? "unnamed-" + heartbeatMillis : t;
        }

        boolean dead(Duration timeout, Optional<YarnAttempt> asking) {
            if (System.currentTimeMillis() - heartbeatMillis > timeout.toMillis()) {
                return true;
            }
            // An earlier attempt of the asker's own YARN application: YARN started the asker only
            // after it held that attempt for dead, on whatever host it ran.
            if (asking.isPresent() && owner.path("yarn_application").isTextual()
                    && asking.get().supersedes(new YarnAttempt(owner.path("yarn_application").asText(),
                    owner.path("yarn_attempt").asInt(Integer.MAX_VALUE)))) {
                return true;
            }
            // Same host: a pid that no longer runs is a dead owner, no need to wait for the timeout.
            if (hostName().equals(owner.path("host").asText()) && owner.has("pid")) {
                return ProcessHandle.of(owner.path("pid").asLong()).map(h -> !h.isAlive()).orElse(true);
            }
            return false;
        }

        String describe() {
            String run = owner.path("run_id").isTextual() ? "run " + owner.path("run_id").asText() + " " : "";
            String yarn = owner.path("yarn_application").isTextual() ? ", attempt " + owner.path("yarn_attempt").asText("?")
                    + " of " + owner.path("yarn_application").asText() : "";
            return run + "(" + owner.path("command").asText("?") + yarn + ", pid "
                    + owner.path("pid").asText("?") + " on " + owner.path("host").asText("?") + ", started "
                    + owner.path("started").asText("?") + ", last heartbeat "
                    + Instant.ofEpochMilli(heartbeatMillis) + ")";
        }
    }
}
