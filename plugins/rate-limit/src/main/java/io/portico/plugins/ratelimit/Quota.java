package io.portico.plugins.ratelimit;

/**
 * The outcome of spending one token: whether it was allowed, and what the {@code RateLimit} header reports
 * about the most constrained limit.
 *
 * @param allowed           whether the request may proceed
 * @param limit             the capacity of the most constrained limit (the one with the fewest tokens left)
 * @param remaining         the tokens left in that limit (≥ 0)
 * @param resetSeconds      seconds until that limit is full again (rounded up)
 * @param retryAfterSeconds when refused: seconds until a token is available (rounded up, ≥ 1); 0 when allowed
 */
public record Quota(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {

    /** Nanoseconds to whole seconds, rounded up. */
    static long ceilSeconds(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
