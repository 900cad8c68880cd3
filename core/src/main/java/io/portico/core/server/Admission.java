package io.portico.core.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the filtered requests running on one {@link Snapshot}, so that what only that snapshot uses (the
 * plugin versions its filters come from) is released exactly when its last request has ended, not on a timer.
 *
 * <p>A request {@link #enter()}s before running any filter and {@link #exit()}s after {@code onComplete};
 * once the snapshot is replaced, {@link #tryClose()} succeeds only at a moment when none is inside, and from
 * then on {@code enter} fails, so the request re-reads the current snapshot instead. Lock-free: one CAS to
 * enter, one decrement to leave.
 */
public final class Admission {
    private static final long CLOSED = -1;

    private final AtomicLong inside = new AtomicLong();

    /** Admits a request; false when this snapshot is closed (route the request on the current one). */
    public boolean enter() {
        while (true) {
            long n = inside.get();
            if (n == CLOSED) {
                return false;
            }
            if (inside.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Ends an admitted request. */
    public void exit() {
        inside.decrementAndGet();
    }

    /** Closes for good if no request is inside right now; true once closed. */
    public boolean tryClose() {
        return inside.get() == CLOSED || inside.compareAndSet(0, CLOSED);
    }

    /** Requests inside now (0 once closed). */
    public long inside() {
        return Math.max(0, inside.get());
    }
}
