package shallownet.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.apache.spark.SparkEnv;

/**
 * The threads a task folds its executor's partitions on: the task's own thread and a pool of
 * daemon threads shared by every task of the JVM (an executor runs one step's task at a time).
 * The pool lives as long as the executor, so no step starts a thread.
 */
final class PartitionThreads {

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "shallownet-fold");
        t.setDaemon(true);
        return t;
    });

    private PartitionThreads() {
    }

    /** The executor's cores: spark.executor.cores when set, never more than the JVM's processors. */
    static int executorCores() {
        int available = Runtime.getRuntime().availableProcessors();
        SparkEnv env = SparkEnv.get();
        int configured = env == null ? available : env.conf().getInt("spark.executor.cores", available);
        return Math.max(1, Math.min(configured, available));
    }

    /**
     * The fold of every item on {@code threads} threads (this one included): each thread folds
     * the items it takes (in turn, from a shared counter, so a slow item holds up no fixed share)
     * and merges each into its own partial as soon as it is done, and the threads' partials are
     * merged at the end. So the merge order depends on timing: {@code merge} must not care (the
     * folds' merges do not). Null when there are no items.
     */
    static <T, R> R fold(List<T> items, int threads, Function<T, R> fold, BinaryOperator<R> merge) {
        int n = items.size();
        AtomicInteger next = new AtomicInteger();
        List<Callable<R>> workers = new ArrayList<>(threads);
        for (int k = 0; k < threads; k++) {
            workers.add(() -> {
                R acc = null;
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    R r = fold.apply(items.get(i));
                    acc = acc == null ? r : r == null ? acc : merge.apply(acc, r);
                }
                return acc;
            });
        }
        List<Future<R>> others = new ArrayList<>(threads - 1);
        for (int k = 1; k < threads; k++) {
            others.add(POOL.submit(workers.get(k)));
        }
        Throwable failure = null;
        R acc = null;
        try {
            acc = workers.get(0).call();
        } catch (Exception | Error e) {
            failure = e;
            next.set(n);
        }
        for (Future<R> other : others) {
            try {
                R r = other.get();
                if (failure == null && r != null) {
                    acc = acc == null ? r : merge.apply(acc, r);
                }
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                // The task was killed: the others stop after their item.
                next.set(n);
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("folding a partition failed", failure);
        }
        return acc;
    }
}
