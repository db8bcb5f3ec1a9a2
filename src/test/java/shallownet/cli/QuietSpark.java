package shallownet.cli;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * For test classes that run many commands through {@link Main} in this JVM: no Spark web UI
 * (faster, and no port clashes with other builds on this machine), restored afterwards; and
 * logging bound to the real stderr before a test swaps {@code System.err}, so that captured
 * stderr is what the command itself prints.
 */
final class QuietSpark implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(QuietSpark.class);
    private static final String UNSET = "\0unset";

    @Override
    public void beforeAll(ExtensionContext context) {
        String saved = System.setProperty("spark.ui.enabled", "false");
        context.getStore(NS).put("spark.ui.enabled", saved == null ? UNSET : saved);
        LoggerFactory.getLogger(context.getRequiredTestClass()).debug("logging initialised");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String saved = context.getStore(NS).get("spark.ui.enabled", String.class);
        if (saved == null || saved.equals(UNSET)) {
            System.clearProperty("spark.ui.enabled");
        } else {
            System.setProperty("spark.ui.enabled", saved);
        }
    }
}
