package shallownet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import shallownet.BadInputException;
import shallownet.CommandFailure;
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
        long settle = WRITING_MILLIS * 1_000_000L;
        String tookOver = null;
        String removed = null; // the identity of the dead holder whose lock this acquisition last removed
        long goneSince = 0; // System.nanoTime when the lock first existed for create yet not for read, else 0
        long emptySince = 0; // when this acquisition first found an empty (unwritten) lock
        long claimedSince = 0; // when it first found a dead holder's lock claimed by another process
        // Every branch either returns, throws, sleeps, or made progress (removed a dead lock); the
        // transient states (gone when read, empty, claimed) are bounded by our own clock, not by
        // the file's time, which another host's clock or a stuck process may keep fresh.
        while (true) {
            if (tryCreate(fs, path, owner)) {
                try {
                    return new StoreLock(store, path, owner, timeout, tookOver);
                } catch (RuntimeException | Error e) {
                    fs.delete(path, false); // ours: created exclusively a moment ago
                    throw e;
                }
            }
            Holder holder = Holder.read(fs, path); // a LOCK that is not a regular file: BadInputException
            long now = System.nanoTime();
            if (holder == null) {
                // Released between our attempt and the read: try again, a little later each time
                // it happens, and not for ever (a lock that keeps changing hands, or a file system
                // on which it exists for create and not for read).
                if (goneSince == 0) {
                    goneSince = now;
                } else if (now - goneSince > settle && now >= deadline) {
                    throw new StoreLockedException(path + ": the store's lock exists when this process creates it and "
                            + "is gone when it reads it, again and again for " + (now - goneSince) / 1_000_000_000L
                            + " s: another process takes and releases it constantly, or the file system is inconsistent",
                            true);
                }
                Thread.sleep(10);
                continue;
            }
            goneSince = 0;
            if (holder.token().isEmpty()) {
                if (emptySince == 0) {
                    emptySince = now;
                }
                if (now - emptySince < settle && System.currentTimeMillis() - holder.heartbeatMillis() < WRITING_MILLIS) {
                    Thread.sleep(10); // created a moment ago and not yet written by its creator: read it again
                    continue;
                }
            }
            if (holder.dead(timeout, yarn)) {
                if (holder.identity().equals(removed)) {
                    throw new CommandFailure(path + ": could not remove the lock of a dead run " + holder.describe()
                            + "; remove it by hand");
                }
                if (takeOver(fs, path, holder, timeout)) {
                    tookOver = holder.describe();
                    removed = holder.identity();
                    claimedSince = 0;
                    continue;
                }
                // Another process is removing it: wait for it, but not for ever (its claim
                // expires only after the lock timeout if it was killed while taking over).
                if (claimedSince == 0) {
                    claimedSince = now;
                } else if (now - claimedSince > settle && now >= deadline) {
                    throw new StoreLockedException(path + ": the lock of a dead run " + holder.describe()
                            + " is being taken over by another process (" + claim(path, holder).getName()
                            + " exists)", true);
                }
                Thread.sleep(20);
                continue;
            }
            if (now >= deadline) {
                throw new StoreLockedException(path + ": the store is locked by " + holder.describe(), true);
            }
            Thread.sleep(Math.min(1000, Math.max(50, wait.toMillis() / 20)));
        }
    }

    /**
     * Creates {@code path} exclusively and writes {@code owner} into it. False if it exists. If the
     * write fails (a full disk, a quota), the file this call created is deleted again before the
     * failure is reported, naming the file: a created but unwritten lock would otherwise lock the
     * store until its heartbeat expired.
     */
    private static boolean tryCreate(FileSystem fs, Path path, ObjectNode owner) throws IOException {
        byte[] content = owner.toString().getBytes(StandardCharsets.UTF_8);
        OutputStream out;
        try {
            if (fs instanceof RawLocalFileSystem local) {
                try {
                    out = Files.newOutputStream(local.pathToFile(path).toPath(), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    return false;
                }
            } else {
                try {
                    out = fs.create(path, false);
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
        } catch (IOException | FSError e) {
            throw cannotWrite(path, e);
        }
        // From here on the file is ours, created exclusively: on any failure it goes again.
        try {
            try (OutputStream o = out) {
                o.write(content);
            }
            return true;
        } catch (IOException | RuntimeException | Error e) {
            try {
                fs.delete(path, false);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException || e instanceof FSError) {
                throw cannotWrite(path, e);
            }
            throw e;
        }
    }

    private static CommandFailure cannotWrite(Path path, Throwable e) {
        return new CommandFailure(path + ": cannot write (" + CommandFailure.rootMessage(e) + ")", e);
    }

    private static Path claim(Path lock, Holder dead) {
        return new Path(lock.getParent(), FILE + ".takeover-" + dead.identity());
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
        Path claim = claim(path, dead);
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
            if (now != null && now.identity().equals(dead.identity()) && !fs.delete(path, false) && fs.exists(path)) {
                throw new CommandFailure(path + ": could not remove the lock of a dead run " + dead.describe()
                        + "; remove it by hand");
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
    /**
     * Refuses a {@code LOCK} that is not a regular file, as taking the lock would, but before any
     * work: a command checks it before it starts Spark, so the refusal costs no Spark start-up.
     */
    static void checkFile(ModelStore store) throws IOException {
        Holder.read(lockFileSystem(store), new Path(store.root(), FILE));
    }

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

        /**
         * The lock file at {@code p}, or null if there is none. Anything there but a regular file
         * (a directory, a symbolic link, a named pipe) is refused: it is not a lock any process
         * of this program made, no process could remove it as a lock, and reading a pipe blocks.
         */
        static Holder read(FileSystem fs, Path p) throws IOException {
            String kind = notARegularFile(fs, p);
            if (kind != null) {
                throw BadInputException.about(p, kind + ", not the store's lock file; remove it");
            }
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

        /** What {@code p} is when it exists and is not a regular file ("is a directory"), else null. */
        static String notARegularFile(FileSystem fs, Path p) throws IOException {
            if (fs instanceof RawLocalFileSystem local) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(local.pathToFile(p).toPath(), BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    return null;
                }
                return a.isSymbolicLink() ? "is a symbolic link" : a.isDirectory() ? "is a directory"
                        : a.isRegularFile() ? null : "is a named pipe, socket or device";
            }
            try {
                FileStatus s = fs.getFileStatus(p);
                return s.isDirectory() ? "is a directory" : s.isSymlink() ? "is a symbolic link"
                        : s.isFile() ? null : "is not a regular file";
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
