package shallownet.ml;

/**
 * The uid of a Spark ML stage while its superclass constructor runs. Spark's Scala traits create
 * their {@code Param}s (featuresCol, labelCol, ...) in the superclass constructor and ask the
 * stage for its {@code uid()} then, before a Java subclass can have set any field (a Scala class
 * takes {@code uid} as a constructor val, which Scala assigns early; Java cannot). The subclass
 * constructor reserves the uid here in an argument of {@code this(...)}, which is evaluated before
 * the superclass constructor, and {@code uid()} falls back to it until the field is set.
 */
final class PendingUid {

    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private PendingUid() {
    }

    /** Reserves {@code uid} for the constructor about to run on this thread; returns it. */
    static String reserve(String uid) {
        if (uid == null || uid.isEmpty()) {
            throw new IllegalArgumentException("uid must not be empty");
        }
        PENDING.set(uid);
        return uid;
    }

    /** The reserved uid, for {@code uid()} before the field is set. */
    static String current() {
        return PENDING.get();
    }

    /** Called once the constructing object holds its uid. */
    static void release() {
        PENDING.remove();
    }
}
