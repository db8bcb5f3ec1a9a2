package shallownet.testutil;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The log lines a negative test expects (Spark's ERROR for a failed task, with its stack trace):
 * while open, what the named loggers emit is kept here for the test to assert on, instead of
 * going to the build log. {@code try (ExpectedLog log = ExpectedLog.of("org.apache.spark")) {...}}
 */
public final class ExpectedLog implements AutoCloseable {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final String[] loggers;
    private final Map<String, LoggerConfig> replaced = new HashMap<>();
    private final AbstractAppender appender;

    private ExpectedLog(String[] loggers) {
        this.loggers = loggers.clone();
        appender = new AbstractAppender("expected-log", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + ": "
                        + event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                lines.add(line.toString());
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        for (String name : loggers) {
            LoggerConfig current = config.getLoggerConfig(name);
            if (current.getName().equals(name)) {
                replaced.put(name, current);
                config.removeLogger(name);
            }
            // Not additive: the console appender of the parents does not see these events.
            LoggerConfig capture = new LoggerConfig(name, current.getLevel(), false);
            capture.addAppender(appender, null, null);
            config.addLogger(name, capture);
        }
        ctx.updateLoggers();
    }

    /** Captures what the loggers {@code names} (and their children) emit, until closed. */
    public static ExpectedLog of(String... names) {
        return new ExpectedLog(names);
    }

    /** Each event as "LEVEL logger: message | exception | cause ...". */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines at {@code level} or more severe that contain {@code text}. */
    public List<String> find(Level level, String text) {
        return lines().stream().filter(l -> Level.toLevel(l.substring(0, l.indexOf(' '))).isMoreSpecificThan(level))
                .filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        for (String name : loggers) {
            config.removeLogger(name);
            LoggerConfig before = replaced.get(name);
            if (before != null) {
                config.addLogger(name, before);
            }
        }
        ctx.updateLoggers();
        appender.stop();
    }
}
