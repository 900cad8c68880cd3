package io.portico.core.script;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The memory half of runaway protection: tells the {@link Watchdog} when the heap is still nearly full
 * <em>after</em> a garbage collection (memory really retained, not garbage waiting to be collected).
 *
 * <p>GraalJS community edition cannot bound a context's heap, and allocation cannot be attributed to a
 * virtual thread, so a script that keeps allocating (a growing array) could otherwise fill the heap within
 * its time budget and make any thread fail with {@link OutOfMemoryError}. While this guard reports pressure,
 * the watchdog cancels every invocation that has run for more than one tick; its context, and what the
 * script built in it, is discarded. Scripts are the only code in the gateway whose allocation is not bounded
 * by configuration, so they are the suspects; short, well-behaved calls end within a tick and are spared.
 *
 * <p>Remaining risk (documented for operators): a single allocation larger than the free heap fails at once
 * with {@link OutOfMemoryError} in the script's own thread (its call fails, nothing is retained); between two
 * collections the heap can fill faster than the guard sees, so a bomb may still make an unrelated allocation
 * fail. Give the JVM heap headroom for scripts.
 *
 * <p>Uses each heap pool's collection-usage threshold (a JVM-wide setting: every guard sets the same
 * fraction). {@link #getAsBoolean()} costs a few volatile reads unless a confirmation is due; confined to
 * the watchdog thread.
 */
final class HeapGuard implements BooleanSupplier {
    /** Fraction of a pool's maximum that, still used after a collection, counts as pressure. */
    static final double FRACTION = 0.85;

    /** How long a full-collection verdict holds (also the least time between two confirming collections). */
    static final long CONFIRM_NANOS = 100_000_000L;

    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private long confirmedAt = System.nanoTime() - CONFIRM_NANOS;
    private boolean pressure;

    HeapGuard() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            long max = pool.getUsage().getMax();
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && max > 0) {
                pool.setCollectionUsageThreshold((long) (max * FRACTION));
                pools.add(pool);
            }
        }
    }

    /**
     * Whether the heap is under pressure. A young collection leaves dead objects in the old generation, so a
     * pool above its threshold after one is only a suspicion: it is confirmed with a full collection
     * ({@link System#gc()}, at most once per {@link #CONFIRM_NANOS}, on the caller's thread), and the verdict
     * holds until the next confirmation. Called by the watchdog thread only, and only while a script call
     * has been running for more than a tick, so a busy gateway with well-behaved scripts never pays for it.
     */
    @Override
    public boolean getAsBoolean() {
        if (!exceeded()) {
            pressure = false;
            return false;
        }
        long now = System.nanoTime();
        if (now - confirmedAt >= CONFIRM_NANOS) {
            confirmedAt = now;
            System.gc();
            pressure = exceeded();
        }
        return pressure;
    }

    /**
     * Forgets the verdict after the watchdog cancelled invocations (their memory is now garbage): the next
     * suspicion is confirmed with a new full collection.
     */
    void cancelled() {
        pressure = false;
    }

    private boolean exceeded() {
        for (MemoryPoolMXBean p : pools) {
            if (p.isCollectionUsageThresholdExceeded()) {
                return true;
            }
        }
        return false;
    }
}
