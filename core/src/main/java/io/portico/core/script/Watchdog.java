package io.portico.core.script;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.graalvm.polyglot.Context;

/**
 * Cancels overdue script invocations by closing their {@link Context} ({@code close(true)}), which makes the
 * running call fail with a cancelled {@code PolyglotException} on its own thread.
 *
 * <p>Like {@code upstream.ReadDeadlines}: arming costs one set insertion and a {@code nanoTime}, and one
 * daemon thread scans the armed tickets every {@link #TICK_MILLIS} ms, so a budget is enforced within about
 * that granularity plus the time the engine needs to reach a safepoint. Thread-safe; one per
 * {@link ScriptEngine}.
 */
final class Watchdog implements AutoCloseable {
    static final long TICK_MILLIS = 5;
    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());

    private final Set<Ticket> armed = ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    private volatile boolean closed;

    Watchdog() {
        sweeper = new Thread(this::loop, "portico-script-watchdog");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    /**
     * Starts watching {@code context} for {@code budget}; the caller must {@link Ticket#disarm()} in a
     * {@code finally} block once the call returns or throws.
     */
    Ticket arm(Context context, Duration budget) {
        Ticket t = new Ticket(context, System.nanoTime() + budget.toNanos());
        armed.add(t);
        return t;
    }

    /** Stops the sweeper thread; armed tickets are no longer enforced. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }

    private void loop() {
        while (!closed) {
            LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
            long now = System.nanoTime();
            for (Ticket t : armed) {
                if (now - t.deadline >= 0 && t.state.compareAndSet(Ticket.RUNNING, Ticket.EXPIRED)) {
                    armed.remove(t);
                    try {
                        t.context.close(true);
                    } catch (RuntimeException e) {
                        // closing a context that is being cancelled can report the cancellation itself
                        LOG.log(Level.FINE, "closing an overdue script context", e);
                    }
                }
            }
        }
    }

    /** One armed invocation. Exactly one of {@link #disarm()} and the sweeper wins. */
    final class Ticket {
        static final int RUNNING = 0;
        static final int DONE = 1;
        static final int EXPIRED = 2;

        final Context context;
        final long deadline;
        final AtomicInteger state = new AtomicInteger(RUNNING);

        private Ticket(Context context, long deadline) {
            this.context = context;
            this.deadline = deadline;
        }

        /**
         * Ends the watch. Returns true when the call finished within its budget; false when the watchdog
         * expired it (then its context is closed or being closed and must be discarded).
         */
        boolean disarm() {
            armed.remove(this);
            return state.compareAndSet(RUNNING, DONE);
        }
    }
}
