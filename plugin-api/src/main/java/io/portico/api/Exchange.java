package io.portico.api;

import java.util.Map;
import java.util.Optional;

/**
 * One request/response exchange as filters see it.
 *
 * <p>Confined to the request's thread: filters of one request run one after the other on the same
 * virtual thread, so no synchronization is needed, and an exchange must not be used after the filter
 * call returns (don't hand it to other threads).
 */
public interface Exchange {

    /** The gateway's id for this request (the {@code X-Request-Id} value and the problem {@code instance}). */
    String requestId();

    /** The id of the matched route. */
    String routeId();

    /** Values of the route pattern's {@code {name}} segments, percent-decoded; empty when it has none. */
    Map<String, String> pathParams();

    /**
     * The client's IP address as text ({@code 203.0.113.7}, {@code 2001:db8::1}): the peer address, or the
     * rightmost untrusted {@code X-Forwarded-For} entry when the peer is one of {@code server.trusted-proxies}.
     */
    String clientIp();

    /**
     * The name of the upstream the request goes to: the route's, unless a filter re-targeted it; null on an
     * aggregate route (its parts go to several upstreams).
     */
    String upstream();

    /**
     * Sends the request to another configured upstream instead of the route's (A/B tests, tenant routing).
     * The path sent is the one the route produced (see {@link Request#upstreamPath()}); the new upstream's
     * balancer, health, retries and timeouts apply.
     *
     * @throws IllegalArgumentException when no upstream has that name
     * @throws IllegalStateException    outside {@code onRequest}, or on an aggregate route
     */
    void upstream(String name);

    /** The request as it will be sent upstream; filters may change it in {@code onRequest}. */
    Request request();

    /**
     * The response: in {@code onResponse} and {@code onComplete} only.
     *
     * @throws IllegalStateException in {@code onRequest}
     */
    Response response();

    /** The authenticated caller, once an {@link Phase#AUTHENTICATE} filter has set one. */
    Optional<Consumer> consumer();

    /** Records the authenticated caller (for authorization, rate limits, logs and upstream headers). */
    void consumer(Consumer consumer);

    /** The value stored under {@code key} for this request, if any. */
    <T> Optional<T> attribute(AttributeKey<T> key);

    /** Stores {@code value} (non-null) under {@code key} for the rest of this request. */
    <T> void attribute(AttributeKey<T> key, T value);

    /** The tracing span of this request (a no-op span when tracing is off). */
    Span span();
}
