package io.portico.api;

import java.time.Duration;

/**
 * Metrics a filter may record; exported by the gateway (Prometheus) with the filter's type and the route
 * as labels. Thread-safe and cheap (no I/O); names are {@code [a-z][a-z0-9_]*}.
 */
public interface Metrics {

    /** Adds 1 to the counter {@code name}. */
    void increment(String name);

    /** Records one observation of a duration in the timer {@code name}. */
    void record(String name, Duration duration);
}
