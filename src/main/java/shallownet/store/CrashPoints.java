package shallownet.store;

/**
 * Named points in the store's write sequence where a test interrupts a run, as a {@code kill -9}
 * would between two writes (see docs/retraining.md, "Order of writes"). Off unless the system
 * property {@value #PROPERTY} names the point: then reaching it throws {@link Crash}, an Error that
 * no failure handler records (so nothing after the point is written); with
 * {@code -D}{@value #PROPERTY}{@code .mode=halt} the JVM halts there instead (for a child JVM).
 */
public final class CrashPoints {

    public static final String PROPERTY = "shallownet.store.crash-at";

    /** After versions/N is renamed into place. */
    public static final String VERSION_WRITTEN = "version-written";
    /** After the promotion's line in promotions.jsonl, before CURRENT. */
    public static final String PROMOTION_RECORDED = "promotion-recorded";
    /** After CURRENT names the new champion. */
    public static final String CURRENT_WRITTEN = "current-written";
    /** After the run's line in history.jsonl. */
    public static final String HISTORY_WRITTEN = "history-written";
    /** After the run's checkpoints are removed, before outcome.json. */
    public static final String CHECKPOINTS_REMOVED = "checkpoints-removed";
    /** After outcome.json (the run's commit point), before the lock is released. */
    public static final String OUTCOME_WRITTEN = "outcome-written";

    private CrashPoints() {
    }

    /** The simulated kill. */
    public static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String point) {
            super("crashed at " + point + " (" + PROPERTY + ")");
        }
    }

    public static void reach(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            if ("halt".equals(System.getProperty(PROPERTY + ".mode"))) {
                Runtime.getRuntime().halt(137);
            }
            throw new Crash(point);
        }
    }
}
