package io.portico.plugins.ratelimit;

import io.portico.api.ConfigDefault;
import java.time.Duration;

/**
 * One limit of a {@code rate-limit} rule: at most {@code capacity} requests per {@code per}.
 *
 * @param capacity the requests allowed per period (and the burst size); at least 1
 * @param per      the period: a positive integer followed by {@code ms}, {@code s}, {@code m}, {@code h} or
 *                 {@code d} ({@code 1s}, {@code 1h}, {@code 30d})
 * @param refill   {@code greedy} (default) or {@code interval}
 */
public record LimitConfig(long capacity, String per, @ConfigDefault("greedy") Refill refill) {

    /** @throws IllegalArgumentException naming the key when a value is out of range */
    public LimitConfig {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: must be at least 1, got " + capacity);
        }
        if (per == null) {
            throw new IllegalArgumentException("per: required, e.g. 1s, 1m, 1h, 1d");
        }
        Periods.parse(per);
        if (refill == null) {
            refill = Refill.GREEDY;
        }
    }

    /** A greedy limit. */
    public LimitConfig(long capacity, String per) {
        this(capacity, per, Refill.GREEDY);
    }

    /** {@link #per} as a duration. */
    public Duration period() {
        return Periods.parse(per);
    }
}
