package shallownet.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under {@code faultylock://}, with two faults of the store's {@code LOCK}
 * that a real file system shows rarely: a lock that exists when created and is gone each time it
 * is read (another process taking and releasing it in between, every time; or an inconsistent
 * object store), and a lock that cannot be deleted. Register with {@code fs.faultylock.impl}.
 */
public final class FaultyLockFileSystem extends RawLocalFileSystem {

    static final String SCHEME = "faultylock";

    static volatile boolean lockGoneWhenRead;
    static volatile boolean lockUndeletable;

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (lockGoneWhenRead && f.getName().equals(StoreLock.FILE)) {
            throw new FileNotFoundException(f + " (gone)");
        }
        return super.open(f, bufferSize);
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        if (lockUndeletable && p.getName().equals(StoreLock.FILE)) {
            return false;
        }
        return super.delete(p, recursive);
    }

    static void reset() {
        lockGoneWhenRead = false;
        lockUndeletable = false;
    }
}
