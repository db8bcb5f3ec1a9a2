package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import shallownet.BadInputException;
import shallownet.CommandFailure;

/**
 * Every loop of {@link StoreLock}'s acquisition ends: a lock that is not a regular file, one that
 * is gone whenever it is read, an empty one whose time lies in the future, a dead holder's lock
 * that cannot be removed, and one whose takeover another process claims and never finishes each
 * end in a bounded time with one failure naming the lock file, not in a spin or an endless wait.
 */
class StoreLockBoundsTest {

    /** Bounded means: well within this, though the lock timeout is the default 10 minutes. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        FaultyLockFileSystem.reset();
    }

    private ModelStore local() throws Exception {
        Files.createDirectories(tmp.resolve("store"));
        return ModelStore.at(new Configuration(), tmp.resolve("store").toString());
    }

    private ModelStore faulty() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs." + FaultyLockFileSystem.SCHEME + ".impl", FaultyLockFileSystem.class.getName());
        conf.setBoolean("fs." + FaultyLockFileSystem.SCHEME + ".impl.disable.cache", true);
        Files.createDirectories(tmp.resolve("store"));
        return ModelStore.at(conf, FaultyLockFileSystem.SCHEME + "://" + tmp.resolve("store"));
    }

    private static <T extends Throwable> T bounded(Class<T> type, Executable acquire) {
        return assertTimeoutPreemptively(BOUND, () -> assertThrows(type, acquire), "no endless loop");
    }

    @Test
    void aDirectoryNamedLockIsBadInputNamingIt() throws Exception {
        ModelStore s = local();
        Files.createDirectory(tmp.resolve("store/LOCK"));
        BadInputException e = bounded(BadInputException.class, () -> s.lock().runId("r").acquire());
        assertEquals(tmp.resolve("store/LOCK") + ": is a directory, not the store's lock file; remove it", e.getMessage());
        assertTrue(Files.isDirectory(tmp.resolve("store/LOCK")), "left alone");
    }

    @Test
    void aLockThatIsGoneWheneverItIsReadEndsAsLockedAfterTheGrace() throws Exception {
        ModelStore s = faulty();
        Files.writeString(tmp.resolve("store/LOCK"), "{\"token\":\"t\"}");
        FaultyLockFileSystem.lockGoneWhenRead = true;
        long t0 = System.nanoTime();
        StoreLockedException e = bounded(StoreLockedException.class, () -> s.lock().runId("r").acquire());
        assertTrue(e.held(), e.getMessage());
        assertTrue(e.getMessage().startsWith(FaultyLockFileSystem.SCHEME + ":" + tmp.resolve("store/LOCK")
                + ": the store's lock exists when"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 >= 4.5, "the grace of 5 s for a lock changing hands");
    }

    @Test
    void anEmptyLockWithATimeInTheFutureIsWaitedForOnlyBriefly() throws Exception {
        ModelStore s = local();
        Path lock = Files.createFile(tmp.resolve("store/LOCK"));
        // Written (not) by a host whose clock is an hour ahead: its age stays negative.
        Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
        StoreLockedException e = bounded(StoreLockedException.class, () -> s.lock().runId("r").acquire());
        assertTrue(e.held(), e.getMessage());
        assertTrue(e.getMessage().startsWith(lock + ": the store is locked by"), e.getMessage());
    }

    @Test
    void aDeadHoldersLockThatCannotBeRemovedIsOneFailureNamingIt() throws Exception {
        ModelStore s = faulty();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(tmp.resolve("store/LOCK"), "{\"host\":\"" + StoreLock.hostName() + "\",\"pid\":" + gone.pid()
                + ",\"run_id\":\"dead\",\"token\":\"" + java.util.UUID.randomUUID() + "\"}");
        FaultyLockFileSystem.lockUndeletable = true;
        CommandFailure e = bounded(CommandFailure.class, () -> s.lock().runId("r").acquire());
        assertFalse(e instanceof StoreLockedException, e.toString());
        assertTrue(e.getMessage().startsWith(FaultyLockFileSystem.SCHEME + ":" + tmp.resolve("store/LOCK")
                + ": could not remove the lock of a dead run run dead"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; remove it by hand"), e.getMessage());
    }

    @Test
    void aTakeoverClaimedByAStuckProcessEndsAsLockedNotAfterTheLockTimeout() throws Exception {
        ModelStore s = local();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String token = java.util.UUID.randomUUID().toString();
        Files.writeString(tmp.resolve("store/LOCK"), "{\"host\":\"" + StoreLock.hostName() + "\",\"pid\":" + gone.pid()
                + ",\"run_id\":\"dead\",\"token\":\"" + token + "\"}");
        // Another process claimed the takeover a moment ago and is stuck (its claim is fresh).
        Files.writeString(tmp.resolve("store/LOCK.takeover-" + token), "{\"pid\":1}");
        StoreLockedException e = bounded(StoreLockedException.class, () -> s.lock().runId("r").acquire());
        assertTrue(e.held(), e.getMessage());
        assertTrue(e.getMessage().contains("is being taken over by another process (LOCK.takeover-" + token + " exists)"),
                e.getMessage());
    }
}
