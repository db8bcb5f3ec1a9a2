package shallownet.store;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which attempt of which YARN application this JVM is, when it is a driver that YARN started (the
 * ApplicationMaster of cluster deploy mode). YARN starts attempt n+1 only once it holds attempt n
 * for dead (its container ended, or its node was lost), so a store lock held by an earlier attempt
 * of the same application belongs to a dead run: taken over at once, whatever host it ran on,
 * instead of after the lock timeout.
 *
 * <p>Read from what YARN and Spark put in the AM's environment: the system property
 * {@code spark.yarn.app.id} (set by Spark's ApplicationMaster in cluster mode only) and the
 * container id {@code CONTAINER_ID} ({@code container_[e<epoch>_]<cluster>_<app>_<attempt>_<n>}).
 */
public record YarnAttempt(String applicationId, int attempt) {

    private static final Pattern CONTAINER = Pattern.compile("container_(?:e\\d+_)?(\\d+)_(\\d+)_(\\d+)_\\d+");

    /** This JVM's attempt, or empty when it is not a YARN ApplicationMaster. */
    public static Optional<YarnAttempt> current() {
        return of(System.getProperty("spark.yarn.app.id"), System.getenv());
    }

    static Optional<YarnAttempt> of(String sparkYarnAppId, Map<String, String> env) {
        String container = env.get("CONTAINER_ID");
        if (sparkYarnAppId == null || container == null) {
            return Optional.empty();
        }
        Matcher m = CONTAINER.matcher(container);
        if (!m.matches()) {
            return Optional.empty();
        }
        // The container's application must be the one Spark names (a container id is never reused).
        String app = "application_" + m.group(1) + "_" + m.group(2);
        if (!app.equals(sparkYarnAppId)) {
            return Optional.empty();
        }
        return Optional.of(new YarnAttempt(app, Integer.parseInt(m.group(3))));
    }

    /** True if {@code other} is an earlier attempt of the same application. */
    public boolean supersedes(YarnAttempt other) {
        return applicationId.equals(other.applicationId) && other.attempt < attempt;
    }

    @Override
    public String toString() {
        return "attempt " + attempt + " of YARN application " + applicationId;
    }
}
