package io.portico.core.chain;

import io.portico.api.Metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The {@link Metrics} of one filter entry, kept in memory until the telemetry module exports them.
 * Thread-safe and lock-free on the recording path after a name's first use.
 */
public final class InMemoryMetrics implements Metrics {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, LongAdder[]> timers = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException when {@code name} is not {@code [a-z][a-z0-9_]*} */
    @Override
    public void increment(String name) {
        LongAdder c = counters.get(name);
        if (c == null) {
            c = counters.computeIfAbsent(checked(name), n -> new LongAdder());
        }
        c.increment();
    }

    /** @throws IllegalArgumentException when {@code name} is not {@code [a-z][a-z0-9_]*} */
    @Override
    public void record(String name, Duration duration) {
        LongAdder[] t = timers.get(name);
        if (t == null) {
            t = timers.computeIfAbsent(checked(name), n -> new LongAdder[] {new LongAdder(), new LongAdder()});
        }
        t[0].increment();
        t[1].add(duration.toNanos());
    }

    /** The counter's value (0 when never incremented). */
    public long counter(String name) {
        LongAdder c = counters.get(name);
        return c == null ? 0 : c.sum();
    }

    /** How many durations the timer recorded. */
    public long timerCount(String name) {
        LongAdder[] t = timers.get(name);
        return t == null ? 0 : t[0].sum();
    }

    /** The sum of the timer's durations. */
    public Duration timerTotal(String name) {
        LongAdder[] t = timers.get(name);
        return Duration.ofNanos(t == null ? 0 : t[1].sum());
    }

    /** Every counter's current value, by name (a copy; for the metrics exporter). */
    public Map<String, Long> counters() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((n, c) -> out.put(n, c.sum()));
        return out;
    }

    /** Every timer as {count, total nanoseconds}, by name (a copy; for the metrics exporter). */
    public Map<String, long[]> timers() {
        Map<String, long[]> out = new java.util.TreeMap<>();
        timers.forEach((n, t) -> out.put(n, new long[] {t[0].sum(), t[1].sum()}));
        return out;
    }

    private static String checked(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric names are [a-z][a-z0-9_]*, got '" + name + "'");
        }
        return name;
    }
}
