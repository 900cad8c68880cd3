package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig.CircuitBreakerConfig;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The circuit breaker of one target ({@code circuit-breaker:} of its upstream).
 *
 * <p><b>Closed</b>: the outcomes of the last {@code window} requests are kept; once {@code window} outcomes
 * are recorded and the failed share of them reaches {@code failure-ratio} (at least, so that 1.0 can trip),
 * the circuit <b>opens</b>: for {@code open-for} the target gets no requests ({@link #allows(long)} is
 * false, and a request that picked it just before is refused by {@link #acquire()} without being sent).
 * After that the circuit is <b>half-open</b>: exactly one trial request at a time is let through; its
 * success closes the circuit with an empty window, its failure opens it again for {@code open-for}. A trial
 * that never reports (its caller vanished) is given up after {@code trialTimeout}. Outcomes of requests that
 * were admitted while closed but end after the circuit opened are ignored.
 *
 * <p>What counts as a failure is decided by the caller (the same as passive health: connect error, timeout,
 * invalid response, 502/503/504). Thread-safe and lock-free on the request path: while closed and nothing
 * failed recently, {@link #acquire()} is one volatile read and a success one more; the window is a ring of
 * atomics, exact under concurrency. State changes take this object's monitor, run {@code onChange} (so the
 * upstream rebuilds its candidate list) and are logged.
 */
public final class CircuitBreaker {
    private static final Logger LOG = Logger.getLogger(CircuitBreaker.class.getName());

    /** {@link #acquire()} refused: the circuit is open, or half-open with its trial under way. */
    public static final int REFUSED = 0;
    /** {@link #acquire()} admitted a request while closed. */
    public static final int ADMITTED = 1;
    /** {@link #acquire()} admitted the half-open trial request. */
    public static final int TRIAL = 2;

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final String upstream;
    private final String target;
    private final int window;
    private final int failuresToOpen;
    private final long openForNanos;
    private final long trialTimeoutNanos;
    private final LongSupplier clock;
    private final Runnable onChange;

    private final AtomicIntegerArray outcomes; // 1 = failed, per ring slot
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean trial = new AtomicBoolean();

    private volatile State state = State.CLOSED;
    private volatile long openUntil;
    private volatile long trialStarted;

    /**
     * @param trialTimeout how long a half-open trial may go unreported before another is let through (the
     *                     upstream's connect plus response timeout is a natural choice)
     */
    CircuitBreaker(String upstream, String target, CircuitBreakerConfig config, java.time.Duration trialTimeout,
                   LongSupplier clock, Runnable onChange) {
        this.upstream = upstream;
        this.target = target;
        this.window = config.window();
        this.failuresToOpen = Math.max(1, (int) Math.ceil(config.failureRatio() * config.window() - 1e-9));
        this.openForNanos = config.openFor().toNanos();
        this.trialTimeoutNanos = trialTimeout.toNanos();
        this.clock = clock;
        this.onChange = onChange;
        this.outcomes = new AtomicIntegerArray(window);
    }

    /**
     * Whether the balancer may pick this target at {@code now}: closed, or open-for has run out and no
     * trial is under way.
     */
    public boolean allows(long now) {
        State s = state;
        if (s == State.CLOSED) {
            return true;
        }
        if (s == State.OPEN && now - openUntil < 0) {
            return false;
        }
        return !trial.get() || now - trialStarted - trialTimeoutNanos >= 0;
    }

    /** Whether the circuit is open at {@code now} (half-open does not count). */
    public boolean openAt(long now) {
        return state == State.OPEN && now - openUntil < 0;
    }

    /** When the current or last open period ends ({@link System#nanoTime()} scale). */
    public long openUntil() {
        return openUntil;
    }

    State state() {
        return state;
    }

    /**
     * For metrics: 0 closed, 1 open, 2 half-open (an open circuit whose {@code open-for} has run out counts as
     * half-open: the next request is a trial).
     */
    public int stateCode(long now) {
        State s = state;
        if (s == State.CLOSED) {
            return 0;
        }
        return s == State.OPEN && now - openUntil < 0 ? 1 : 2;
    }

    /**
     * The state at {@code now} for operators ({@code /admin/upstreams}): {@code closed}, {@code open}, or
     * {@code half-open} (including an open circuit whose {@code open-for} has run out). One volatile read or two.
     */
    public String stateName(long now) {
        return switch (stateCode(now)) {
            case 0 -> "closed";
            case 1 -> "open";
            default -> "half-open";
        };
    }

    /** Failed outcomes currently in the window (for tests and the admin API). */
    int failuresInWindow() {
        return failed.get();
    }

    /**
     * Asks to send one request: {@link #ADMITTED}, {@link #TRIAL} (the caller must report its outcome, or
     * {@link #release(int)} it) or {@link #REFUSED} (send nothing).
     */
    public int acquire() {
        if (state == State.CLOSED) {
            return ADMITTED;
        }
        long now = clock.getAsLong();
        if (state == State.OPEN) {
            if (now - openUntil < 0) {
                return REFUSED;
            }
            synchronized (this) {
                if (state == State.OPEN && now - openUntil >= 0) {
                    state = State.HALF_OPEN;
                    LOG.info(() -> "upstream " + upstream + " target " + target + ": circuit half-open, trying one request");
                }
            }
            if (state == State.CLOSED) {
                return ADMITTED;
            }
        }
        if (trial.compareAndSet(false, true)) {
            trialStarted = now;
            return TRIAL;
        }
        if (now - trialStarted - trialTimeoutNanos >= 0) {
            trialStarted = now; // the previous trial never reported: take its place
            return TRIAL;
        }
        return REFUSED;
    }

    /** Reports a request admitted by {@link #acquire()} as having succeeded. */
    public void succeeded(int admission) {
        if (admission == TRIAL) {
            boolean closed;
            synchronized (this) {
                closed = state == State.HALF_OPEN;
                if (closed) {
                    resetWindow();
                    state = State.CLOSED;
                }
                trial.set(false);
            }
            onChange.run();
            if (closed) {
                LOG.info(() -> "upstream " + upstream + " target " + target + ": circuit closed (trial request succeeded)");
            }
            return;
        }
        if (admission != ADMITTED || (failed.get() == 0 && recorded.get() >= window)) {
            return; // nothing would change: the window holds only successes
        }
        record(0);
    }

    /** Reports a request admitted by {@link #acquire()} as having failed. */
    public void failed(int admission) {
        if (admission == TRIAL) {
            boolean opened = false;
            synchronized (this) {
                if (state == State.HALF_OPEN) {
                    open(clock.getAsLong());
                    opened = true;
                }
                trial.set(false);
            }
            onChange.run();
            if (opened) {
                logOpened("the trial request failed");
            }
            return;
        }
        if (admission == ADMITTED) {
            record(1);
        }
    }

    /** Gives back an admission whose request ended without an outcome (the client's body failed). */
    public void release(int admission) {
        if (admission == TRIAL) {
            trial.set(false);
            onChange.run();
        }
    }

    private void record(int failure) {
        long n = recorded.getAndIncrement();
        int old = outcomes.getAndSet((int) (n % window), failure);
        int f = failure - old == 0 ? failed.get() : failed.addAndGet(failure - old);
        if (failure == 1 && f >= failuresToOpen && n + 1 >= window && state == State.CLOSED) {
            int seen = -1;
            synchronized (this) {
                if (state == State.CLOSED && failed.get() >= failuresToOpen) {
                    seen = failed.get();
                    open(clock.getAsLong());
                }
            }
            if (seen >= 0) {
                onChange.run();
                logOpened(seen + " of the last " + window + " requests failed");
            }
        }
    }

    /** Under the monitor; the caller runs {@code onChange} and then {@link #logOpened(String)}. */
    private void open(long now) {
        openUntil = now + openForNanos;
        state = State.OPEN;
        resetWindow();
    }

    private void logOpened(String why) {
        LOG.info(() -> "upstream " + upstream + " target " + target + ": circuit opened for "
                + java.time.Duration.ofNanos(openForNanos).toString().substring(2).toLowerCase(Locale.ROOT)
                + " (" + why + ")");
    }

    private void resetWindow() {
        for (int i = 0; i < window; i++) {
            outcomes.set(i, 0);
        }
        failed.set(0);
        recorded.set(0);
    }

    @Override
    public String toString() {
        return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
