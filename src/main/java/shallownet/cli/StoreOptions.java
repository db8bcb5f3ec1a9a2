package shallownet.cli;

import java.time.Duration;
import picocli.CommandLine.Option;
import shallownet.store.ModelStore;
import shallownet.store.StoreLock;

/** Where the model store is and how its lock is taken. */
final class StoreOptions {

    @Option(names = "--store", required = true, description = "Model store directory on any Hadoop file system "
            + "(file://, hdfs://, s3a://); created on first use.") String store;

    @Option(names = "--lock-timeout", defaultValue = "600", description = "Seconds without a heartbeat after which "
            + "another run's lock counts as dead and is taken over (default: ${DEFAULT-VALUE}).") double lockTimeoutSeconds;

    @Option(names = "--lock-wait", defaultValue = "0", description = "Seconds to wait for a lock held by a live run "
            + "before exiting with code 4 (default: ${DEFAULT-VALUE}).") double lockWaitSeconds;

    Duration lockTimeout() {
        if (!(lockTimeoutSeconds > 0)) {
            throw new IllegalArgumentException("--lock-timeout must be above 0, got " + lockTimeoutSeconds);
        }
        return Duration.ofMillis((long) (lockTimeoutSeconds * 1000));
    }

    Duration lockWait() {
        if (!(lockWaitSeconds >= 0)) {
            throw new IllegalArgumentException("--lock-wait must be >= 0, got " + lockWaitSeconds);
        }
        return Duration.ofMillis((long) (lockWaitSeconds * 1000));
    }

    /** The store's lock for {@code command}, with this command line's timeout and wait. */
    StoreLock.Builder lock(ModelStore store, String command) {
        return store.lock().command(command).timeout(lockTimeout()).waitFor(lockWait());
    }
}
