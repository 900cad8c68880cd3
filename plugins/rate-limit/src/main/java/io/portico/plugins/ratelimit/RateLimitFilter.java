package io.portico.plugins.ratelimit;

import io.portico.api.AttributeKey;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Headers;
import io.portico.api.Metrics;

/**
 * Spends one token per request from the bucket its key selects; answers 429 problem {@code rate-limited} with
 * {@code Retry-After} when the bucket is empty.
 *
 * <p>Every response of a request the filter counted (allowed or refused) gets {@code RateLimit-Policy} (every
 * limit, e.g. {@code 10;w=1, 1000;w=3600}) and {@code RateLimit} ({@code limit=10, remaining=3, reset=1}, about
 * the most constrained limit), as in draft-ietf-httpapi-ratelimit-headers-07.
 *
 * <p>When the store fails (Redis down, slow): {@code on-backend-error: allow} proceeds without headers,
 * {@code deny} answers 503 problem {@code rate-limit-unavailable} with {@code Retry-After: 1}; both count
 * {@code backend_error} and log a throttled warning. Metrics: {@code allowed}, {@code limited},
 * {@code backend_error}.
 *
 * <p>Thread-safe: no mutable state of its own; waits only within the store's bounded timeout.
 */
final class RateLimitFilter implements GatewayFilter {
    static final String POLICY = "RateLimit-Policy";
    static final String RATE_LIMIT = "RateLimit";
    static final String RETRY_AFTER = "Retry-After";

    /** Per instance, so two rate-limit filters on one request keep their own outcome. */
    private final AttributeKey<Quota> quotaKey = AttributeKey.of("rate-limit.quota", Quota.class);
    private final KeySpec keys;
    private final BucketStore store;
    private final String policy;
    private final boolean denyOnError;
    private final Metrics metrics;
    private final ThrottledWarning warning;
    private final Decision.Respond unavailable;

    RateLimitFilter(KeySpec keys, BucketStore store, String policy, OnBackendError onError, Metrics metrics,
                    ThrottledWarning warning) {
        this.keys = keys;
        this.store = store;
        this.policy = policy;
        this.denyOnError = onError == OnBackendError.DENY;
        this.metrics = metrics;
        this.warning = warning;
        this.unavailable = Decision.problem(503, "rate-limit-unavailable", "Service Unavailable",
                "The rate limit cannot be checked right now; try again shortly.").header(RETRY_AFTER, "1");
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Quota quota;
        try {
            quota = store.consume(keys.derive(exchange));
        } catch (BucketStore.BackendException e) {
            metrics.increment("backend_error");
            warning.warn("rate-limit backend unavailable (" + e.getMessage() + "); requests are "
                    + (denyOnError ? "denied (503)" : "allowed") + " meanwhile");
            return denyOnError ? unavailable : Decision.proceed();
        }
        exchange.attribute(quotaKey, quota);
        if (quota.allowed()) {
            metrics.increment("allowed");
            return Decision.proceed();
        }
        metrics.increment("limited");
        return Decision.problem(429, "rate-limited", "Too Many Requests",
                        "The rate limit of this API was exceeded; retry after " + quota.retryAfterSeconds() + " s.")
                .header(RETRY_AFTER, Long.toString(quota.retryAfterSeconds()))
                .header(POLICY, policy)
                .header(RATE_LIMIT, rateLimit(quota));
    }

    @Override
    public void onResponse(Exchange exchange) {
        exchange.attribute(quotaKey).ifPresent(q -> {
            Headers h = exchange.response().headers();
            h.set(POLICY, policy);
            h.set(RATE_LIMIT, rateLimit(q));
        });
    }

    /** The {@code RateLimit} value, e.g. {@code limit=10, remaining=3, reset=1}. */
    static String rateLimit(Quota q) {
        return "limit=" + q.limit() + ", remaining=" + q.remaining() + ", reset=" + q.resetSeconds();
    }
}
