package io.portico.core.upstream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps retries at about {@value #RATIO_PERCENT}% of an upstream's requests, so that retries cannot
 * multiply the load on an upstream that is already failing (retry storms).
 *
 * <p>A token bucket: every request {@linkplain #requested() deposits} 0.2 tokens, every retry
 * {@linkplain #tryRetry() spends} one, and there is no retry without a whole token. The bucket holds at
 * most {@value #CAPACITY} tokens and starts full, so a short burst of failures (or a single request right
 * after start) can still be retried, while a sustained outage settles at one retry per five requests.
 *
 * <p>Lock-free: one {@link AtomicLong} of milli-tokens updated by compare-and-set. Thread-safe.
 */
public final class RetryBudget {
    /** Retries allowed per hundred requests, in the long run. */
    static final int RATIO_PERCENT = 20;
    /** Largest number of retries that can be saved up. */
    static final int CAPACITY = 10;

    private static final long MILLI = 1000;
    private static final long DEPOSIT = RATIO_PERCENT * MILLI / 100;
    private static final long MAX = CAPACITY * MILLI;

    private final AtomicLong milliTokens = new AtomicLong(MAX);

    /** A request starts: adds 0.2 tokens (up to the capacity). */
    public void requested() {
        long t;
        do {
            t = milliTokens.get();
            if (t >= MAX) {
                return;
            }
        } while (!milliTokens.compareAndSet(t, Math.min(MAX, t + DEPOSIT)));
    }

    /** Takes one token for a retry; {@return false (and takes nothing) when less than one token is left} */
    public boolean tryRetry() {
        long t;
        do {
            t = milliTokens.get();
            if (t < MILLI) {
                return false;
            }
        } while (!milliTokens.compareAndSet(t, t - MILLI));
        return true;
    }

    /** Tokens left, rounded down (for tests and the admin API). */
    public long tokens() {
        return milliTokens.get() / MILLI;
    }
}
