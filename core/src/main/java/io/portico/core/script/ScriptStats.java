package io.portico.core.script;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one script version: invocations, errors (the script threw, rejected, or the engine failed),
 * timeouts (over budget, cancelled), busy refusals, and a latency histogram of every invocation (borrowing a
 * context included). Lock-free ({@link LongAdder}s); safe to record from any thread and read while recording
 * (a read is a consistent-enough snapshot for metrics, not an atomic one).
 */
public final class ScriptStats {
    /** Upper bounds of the latency buckets, in nanoseconds (the last bucket is everything above). */
    public static final long[] BUCKET_BOUNDS_NANOS = {
            10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
            1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000, 1_000_000_000};

    private final LongAdder invocations = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAdder[] buckets = new LongAdder[BUCKET_BOUNDS_NANOS.length + 1];

    ScriptStats() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos, ScriptResult<?> result) {
        invocations.increment();
        totalNanos.add(nanos);
        int i = 0;
        while (i < BUCKET_BOUNDS_NANOS.length && nanos > BUCKET_BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        if (result instanceof ScriptResult.Failure<?> f) {
            switch (f.kind()) {
                case TIMEOUT -> timeouts.increment();
                case BUSY -> busy.increment();
                case SCRIPT_ERROR, INTERNAL -> errors.increment();
                case CLOSED -> { }
            }
        }
    }

    public long invocations() {
        return invocations.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    public long busy() {
        return busy.sum();
    }

    /** Sum of all recorded latencies. */
    public long totalNanos() {
        return totalNanos.sum();
    }

    /** Per-bucket counts (not cumulative), aligned with {@link #BUCKET_BOUNDS_NANOS} plus the overflow bucket. */
    public long[] bucketCounts() {
        long[] out = new long[buckets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = buckets[i].sum();
        }
        return out;
    }
}
