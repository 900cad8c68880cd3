package io.portico.plugins.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult;
import java.time.Duration;
import java.util.List;

/**
 * A rule's limits as one Bucket4j {@link BucketConfiguration} (one bandwidth per limit, in order), their
 * {@code RateLimit-Policy} header value, and the reading of a consumption result into a {@link Quota}.
 * Immutable, thread-safe.
 */
final class Limits {
    private final List<LimitConfig> limits;
    private final BucketConfiguration configuration;
    private final String policy;
    private final Duration longestPeriod;

    Limits(List<LimitConfig> limits) {
        this.limits = List.copyOf(limits);
        ConfigurationBuilder b = BucketConfiguration.builder();
        Duration longest = Duration.ZERO;
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < limits.size(); i++) {
            LimitConfig l = limits.get(i);
            Duration period = l.period();
            b.addLimit(bandwidth(l, period, i));
            if (period.compareTo(longest) > 0) {
                longest = period;
            }
            if (i > 0) {
                p.append(", ");
            }
            p.append(l.capacity()).append(";w=").append(Math.max(1, Quota.ceilSeconds(period.toNanos())));
        }
        this.configuration = b.build();
        this.policy = p.toString();
        this.longestPeriod = longest;
    }

    private static Bandwidth bandwidth(LimitConfig l, Duration period, int index) {
        var capacity = Bandwidth.builder().capacity(l.capacity());
        var built = l.refill() == Refill.INTERVAL
                ? capacity.refillIntervally(l.capacity(), period)
                : capacity.refillGreedy(l.capacity(), period);
        return built.id("l" + index).build();
    }

    BucketConfiguration configuration() {
        return configuration;
    }

    /** The {@code RateLimit-Policy} value, e.g. {@code 10;w=1, 1000;w=3600}. */
    String policy() {
        return policy;
    }

    /** The longest {@code per}: after that long unused, every bucket of this rule is full again. */
    Duration longestPeriod() {
        return longestPeriod;
    }

    /**
     * Reads a consumption result: the most constrained limit is the one with the fewest tokens left (the first of
     * equals). Its reset is the time until it is full again: for greedy refill exact on a refusal and at most one
     * token interval too long otherwise (partly refilled tokens are not visible); for interval refill the whole
     * period (an upper bound).
     */
    Quota quota(VerboseResult<ConsumptionProbe> result) {
        ConsumptionProbe probe = result.getValue();
        long[] tokens = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
        int min = 0;
        for (int i = 1; i < tokens.length && i < limits.size(); i++) {
            if (tokens[i] < tokens[min]) {
                min = i;
            }
        }
        LimitConfig l = limits.get(min);
        long remaining = Math.max(0, Math.min(tokens[min], l.capacity()));
        long missing = l.capacity() - remaining;
        long periodNanos = l.period().toNanos();
        long perTokenNanos = periodNanos / l.capacity();
        long retryNanos = probe.isConsumed() ? 0 : Math.max(0, probe.getNanosToWaitForRefill());
        long resetNanos;
        if (missing == 0) {
            resetNanos = 0;
        } else if (l.refill() == Refill.INTERVAL) {
            resetNanos = Math.max(retryNanos, periodNanos);
        } else if (!probe.isConsumed()) {
            // the next token comes in retryNanos (exact), the others one per token interval
            resetNanos = retryNanos + (missing - 1) * perTokenNanos;
        } else {
            resetNanos = missing * perTokenNanos;
        }
        long reset = Quota.ceilSeconds(resetNanos);
        if (probe.isConsumed()) {
            return new Quota(true, l.capacity(), remaining, reset, 0);
        }
        long retry = Math.max(1, Quota.ceilSeconds(retryNanos));
        return new Quota(false, l.capacity(), remaining, Math.max(reset, retry), retry);
    }
}
