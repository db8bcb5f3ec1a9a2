package shallownet.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The messages the "shallownet" logger emits at INFO or above while attached: log lines go to
 * log4j's console appender, which CliRunner's captured streams do not see. A JUnit extension:
 * {@code @RegisterExtension final CapturedLog log = new CapturedLog("name");} attaches it for each test.
 */
final class CapturedLog implements BeforeEachCallback, AfterEachCallback {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final AbstractAppender appender;

    CapturedLog(String name) {
        appender = new AbstractAppender(name, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.INFO)) {
                    lines.add(event.getMessage().getFormattedMessage());
                }
            }
        };
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        lines.clear();
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getLoggerConfig("shallownet").addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig config = ctx.getConfiguration().getLoggerConfig("shallownet");
        config.removeAppender(appender.getName());
        ctx.updateLoggers();
        appender.stop();
    }

    /** The live list of messages (clear it between runs). */
    List<String> lines() {
        return lines;
    }
}
