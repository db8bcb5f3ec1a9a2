package shallownet.train;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * How many times executors have come or gone in a context: the groups of {@link ExecutorGroups}
 * are made again when this changes. A group placed on a lost executor would otherwise wait out
 * {@code spark.locality.wait} (3 s) on every step: measured on YARN with an executor container
 * killed mid-epoch, 4 s a step instead of about 40 ms. One listener per context.
 */
final class ExecutorChanges {

    private static final Map<SparkContext, AtomicLong> COUNTS = new WeakHashMap<>();

    private ExecutorChanges() {
    }

    /** The context's counter (registering its listener the first time). */
    static AtomicLong of(SparkContext sc) {
        synchronized (COUNTS) {
            return COUNTS.computeIfAbsent(sc, c -> {
                AtomicLong count = new AtomicLong();
                c.addSparkListener(new Listener(count));
                return count;
            });
        }
    }

    private static final class Listener extends SparkListener {
        private final AtomicLong count;

        Listener(AtomicLong count) {
            this.count = count;
        }

        @Override
        public void onExecutorAdded(SparkListenerExecutorAdded added) {
            count.incrementAndGet();
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
            count.incrementAndGet();
        }
    }
}
