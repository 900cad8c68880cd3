package io.portico.plugins.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every record of a JUL logger (and its children) at every level while open, for tests that check what a filter
 * logs, or that something is never logged (a key, a token). Close it to restore the logger's level. Thread-safe.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of("portico.filter.key-auth")) {
 *     ... run the filter ...
 *     assertThat(log.records()).noneMatch(r -> r.getMessage().contains(key));
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level before;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.before = logger.getLevel();
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Starts capturing logger {@code name} ({@code ""} for the root logger: everything). */
    public static LogCapture of(String name) {
        return new LogCapture(Logger.getLogger(name));
    }

    /** The records so far, oldest first (a live view). */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(before);
    }
}
