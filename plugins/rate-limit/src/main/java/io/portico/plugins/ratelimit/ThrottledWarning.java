package io.portico.plugins.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Logs a WARNING at most once per {@link #INTERVAL}, saying how many were suppressed in between, so a Redis
 * outage does not write one line per request. Thread-safe, lock-free.
 */
final class ThrottledWarning {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger logger;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledWarning(Logger logger) {
        this.logger = logger;
    }

    /** Logs {@code message}, unless a line was logged less than {@link #INTERVAL} ago. */
    void warn(String message) {
        long now = System.nanoTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + INTERVAL.toNanos())) {
            long skipped = suppressed.getAndSet(0);
            logger.warning(skipped == 0 ? message : message + " (" + skipped + " similar suppressed)");
        } else {
            suppressed.incrementAndGet();
        }
    }
}
