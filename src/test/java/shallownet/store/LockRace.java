package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Threads that all ask for a store's lock at the same instant, round after round. */
final class LockRace {

    /** Sets the store up before a round (e.g. leaves a dead run's lock); runs while nobody holds the lock. */
    interface Setup {
        void run() throws Exception;
    }

    private LockRace() {
    }

    /**
     * In each round every thread tries the lock once without waiting, and the winner keeps it until
     * all have tried: exactly one may win, and every other must fail with exit code 4 and name the winner's run.
     */
    static void assertExactlyOneWinsEachRound(ModelStore store, int threads, int rounds, Duration timeout, Setup setup)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        CyclicBarrier tried = new CyclicBarrier(threads);
        CyclicBarrier released = new CyclicBarrier(threads);
        int[][] won = new int[rounds][threads];
        ConcurrentLinkedQueue<String> surprises = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        if (me == 0) {
                            setup.run();
                        }
                        start.await();
                        StoreLock held = null;
                        try {
                            held = store.lock().runId("run-" + me).timeout(timeout).acquire();
                            won[r][me] = 1;
                        } catch (StoreLockedException f) {
                            // A loser names the winner, even one that has created the file but not yet written it.
                            if (!f.held() || !f.getMessage().contains("the store is locked by run run-")) {
                                surprises.add(f.getMessage());
                            }
                        } catch (Exception e) {
                            surprises.add(e.toString());
                        }
                        tried.await();
                        if (held != null) {
                            held.close();
                        }
                        released.await();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), List.copyOf(surprises), "every loser fails with exit code 4 naming the winner, and nothing else");
        for (int r = 0; r < rounds; r++) {
            assertEquals(1, Arrays.stream(won[r]).sum(), "winners in round " + r);
        }
    }
}
