package io.portico.core.script;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * The memory half of runaway protection. GraalJS community edition cannot bound a context's heap, so a script
 * that keeps allocating (a growing array) could fill the JVM's heap within its time budget and make any
 * thread fail with {@link OutOfMemoryError}. This guard asks the JVM to report when a heap pool is still
 * above {@code fraction} of its maximum <em>after</em> a garbage collection (memory really retained, not
 * garbage), and then cancels every running script invocation ({@link Watchdog#cancelAll}); their contexts are
 * discarded, which frees what they held. Scripts are the only code in the gateway whose allocation is not
 * bounded by configuration, so they are the suspects.
 *
 * <p>Remaining risk: a single allocation larger than the free heap fails at once with
 * {@link OutOfMemoryError} in the script's own thread (the invocation fails; nothing is retained), and
 * between two collections the heap can fill faster than the JVM reports, so a bomb may still make an
 * unrelated allocation fail. Size the heap with headroom for scripts. Thread-safe.
 */
final class HeapGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeapGuard.class.getName());

    private final Watchdog watchdog;
    private final NotificationEmitter emitter;
    private final NotificationListener listener = this::onNotification;

    HeapGuard(Watchdog watchdog, double fraction) {
        this.watchdog = watchdog;
        List<String> watched = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            long max = pool.getUsage().getMax();
            if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported() && max > 0) {
                pool.setCollectionUsageThreshold((long) (max * fraction));
                watched.add(pool.getName());
            }
        }
        this.emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        emitter.addNotificationListener(listener, null, null);
        LOG.fine(() -> "heap guard on " + watched + " at " + (int) (fraction * 100) + "% after GC");
    }

    private void onNotification(Notification n, Object handback) {
        if (!MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())) {
            return;
        }
        int cancelled = watchdog.cancelAll();
        if (cancelled > 0) {
            LOG.severe("heap still nearly full after a garbage collection: cancelled " + cancelled
                    + " running script invocation(s) to free their memory (a script allocating without bound?)");
        }
    }

    @Override
    public void close() {
        try {
            emitter.removeNotificationListener(listener);
        } catch (ListenerNotFoundException e) {
            LOG.log(Level.FINE, "heap guard listener already removed", e);
        }
    }
}
