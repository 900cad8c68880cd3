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
 * daemon thread scans the armed tickets every {@link #TICK_MILLIS} ms while any is armed or was within the
 * last second (and sleeps after that, until the next {@link #arm}), so a budget is enforced within about
 * that granularity plus the time the engine needs to reach a safepoint. Time the whole JVM stood still (a stop-the-world collection, seen as the sweeper running late)
 * does not count against a budget; see {@link #sweep}. Thread-safe; one per {@link ScriptEngine}.
 *
 * <p>Memory: while the {@link HeapGuard} reports the heap still nearly full after a collection, every
 * invocation that has run for at least one tick is cancelled the same way (see there why).
 */
final class Watchdog implements AutoCloseable {
    static final long TICK_MILLIS = 5;
    static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
    /** How long the sweeper keeps ticking after the last armed ticket before it sleeps until the next one. */
    static final long IDLE_NANOS = 1_000_000_000L;
    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());

    private final Set<Ticket> armed = ConcurrentHashMap.newKeySet();
    private final HeapGuard heapPressure;
    private final Thread sweeper;
    /** True while the sweeper sleeps because nothing is armed ({@link #arm} wakes it). */
    private volatile boolean sleeping;
    private volatile boolean closed;
    private final AtomicInteger wakeUps = new AtomicInteger();

    /** A watchdog with a {@link HeapGuard}. */
    Watchdog() {
        this(new HeapGuard());
    }

    /** A watchdog that also cancels long-running invocations while {@code heapPressure} reports pressure. */
    Watchdog(HeapGuard heapPressure) {
        this.heapPressure = heapPressure;
        sweeper = new Thread(this::loop, "portico-script-watchdog");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    /**
     * Starts watching {@code context} for {@code budget}; the caller must {@link Ticket#disarm()} in a
     * {@code finally} block once the call returns or throws.
     */
    Ticket arm(Context context, Duration budget) {
        long now = System.nanoTime();
        Ticket t = new Ticket(context, now, now + budget.toNanos());
        armed.add(t);
        if (sleeping) {
            sleeping = false;
            wakeUps.incrementAndGet();
            LockSupport.unpark(sweeper);
        }
        return t;
    }

    /** How many times {@link #arm} had to wake the sleeping sweeper (for tests). */
    int wakeUps() {
        return wakeUps.get();
    }

    /** Whether the sweeper sleeps until the next {@link #arm} (for tests). */
    boolean asleep() {
        return sleeping;
    }

    /**
     * Cancels every armed invocation now, as if its budget had run out (the heap guard's last resort).
     *
     * @return how many were cancelled
     */
    int cancelAll() {
        int n = 0;
        for (Ticket t : armed) {
            if (t.expire()) {
                n++;
            }
        }
        return n;
    }

    /** Stops the sweeper thread; armed tickets are no longer enforced. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }

    private void loop() {
        long last = System.nanoTime();
        long busyAt = last; // when a ticket was last seen armed
        while (!closed) {
            if (armed.isEmpty()) {
                if (System.nanoTime() - busyAt < IDLE_NANOS) {
                    // between the short calls of a busy gateway: keep ticking, so that the next arm() finds the
                    // sweeper awake (waking a parked thread per script call costs more than the call itself)
                    LockSupport.parkNanos(TICK_NANOS);
                    last = System.nanoTime();
                    continue;
                }
                // idle for a while: sleep until arm() or close() (an idle gateway costs no wake-ups)
                sleeping = true;
                if (armed.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                sleeping = false;
                last = System.nanoTime(); // an idle period is not a stall
                busyAt = last;
                continue;
            }
            LockSupport.parkNanos(TICK_NANOS);
            long now = System.nanoTime();
            busyAt = now;
            try {
                sweep(now, now - last);
            } catch (Throwable e) { // an OutOfMemoryError here must not end runaway protection
                sweepFailed(e);
            }
            last = now;
        }
    }

    /**
     * One scan at {@code now}, {@code elapsed} after the previous one. When the sweeper itself ran late (more
     * than two ticks since the last scan), the JVM was most likely paused (a stop-the-world collection) or
     * starved of CPU, and the scripts with it: the lateness is added to every armed deadline, so a pause
     * does not count against a script's budget. Each scan still brings every ticket one tick nearer its
     * deadline, so a runaway is always cut, at worst later.
     */
    void sweep(long now, long elapsed) {
        if (elapsed > 2 * TICK_NANOS) {
            long stall = elapsed - TICK_NANOS;
            for (Ticket t : armed) {
                t.deadline += stall;
            }
        }
        boolean longRunner = false;
        for (Ticket t : armed) {
            if (now - t.deadline >= 0) {
                t.expire();
            } else if (now - t.armedAt >= TICK_NANOS) {
                longRunner = true;
            }
        }
        // the heap is only looked at while a call has run for a tick: well-behaved calls never trigger it
        if (!longRunner || !heapPressure.getAsBoolean()) {
            return;
        }
        int cancelled = 0;
        for (Ticket t : armed) {
            if (now - t.armedAt >= TICK_MILLIS * 1_000_000L && t.expire()) {
                cancelled++;
            }
        }
        if (cancelled > 0) {
            heapPressure.cancelled();
            LOG.severe("heap still nearly full after a garbage collection: cancelled " + cancelled
                    + " running script invocation(s) to free their memory (a script allocating without bound?)");
        }
    }

    private static void sweepFailed(Throwable e) {
        try {
            LOG.log(Level.SEVERE, "script watchdog sweep failed; it keeps running", e);
        } catch (Throwable ignored) {
            // no memory even to log: the next tick tries again
        }
    }

    /** One armed invocation. Exactly one of {@link #disarm()} and the sweeper wins. */
    final class Ticket {
        static final int RUNNING = 0;
        static final int DONE = 1;
        static final int EXPIRED = 2;

        final Context context;
        /** Moved later only by the sweeper (pause compensation); read by it alone. */
        volatile long deadline;
        final long armedAt;
        final AtomicInteger state = new AtomicInteger(RUNNING);

        private Ticket(Context context, long armedAt, long deadline) {
            this.context = context;
            this.armedAt = armedAt;
            this.deadline = deadline;
        }

        /** Cancels the call (closes its context) unless it already ended; true when this cancelled it. */
        boolean expire() {
            if (!state.compareAndSet(RUNNING, EXPIRED)) {
                return false;
            }
            armed.remove(this);
            try {
                context.close(true);
            } catch (RuntimeException e) {
                // closing a context that is being cancelled can report the cancellation itself
                LOG.log(Level.FINE, "closing an overdue script context", e);
            }
            return true;
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
