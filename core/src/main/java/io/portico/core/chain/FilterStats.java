package io.portico.core.chain;

import java.util.concurrent.atomic.LongAdder;

/**
 * Call counts, total time and failures of one filter entry, per callback. Lock-free and cheap to record
 * (two {@link LongAdder#add} per call); read by tests and, later, by the metrics exporter.
 */
public final class FilterStats {
    /** The three filter callbacks. */
    public enum Callback { REQUEST, RESPONSE, COMPLETE }

    private final LongAdder[] calls = adders();
    private final LongAdder[] nanos = adders();
    private final LongAdder failures = new LongAdder();

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[Callback.values().length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    void record(Callback callback, long elapsedNanos) {
        calls[callback.ordinal()].increment();
        nanos[callback.ordinal()].add(elapsedNanos);
    }

    void failed() {
        failures.increment();
    }

    /** How many times {@code callback} was called. */
    public long calls(Callback callback) {
        return calls[callback.ordinal()].sum();
    }

    /** The total time spent in {@code callback}, in nanoseconds. */
    public long totalNanos(Callback callback) {
        return nanos[callback.ordinal()].sum();
    }

    /** How many calls threw (any callback). */
    public long failures() {
        return failures.sum();
    }
}
