package io.portico.core.upstream;

import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream instance: where to connect, what to send as {@code Host}, the base path to prefix, its
 * pool of keep-alive connections, and how many requests to it are in flight.
 *
 * <p>Shared by all requests; thread-safe. The address is resolved once, when the configuration is
 * loaded. {@link #toString()} is for logs only: an internal address must never reach a client. Equality is
 * identity: two targets with the same URL in different upstreams are different targets.
 */
public final class Target {
    private final URI url;
    private final int weight;
    private final String hostHeader;
    private final String basePath;
    private final ConnectionPool pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final TargetHealth health;
    private final CircuitBreaker breaker; // null: none configured
    private final TargetConfig config;
    /** Told of every availability change; re-pointed when a reload moves this target to a new upstream. */
    private volatile Runnable onChange;

    Target(TargetConfig config, String upstreamName, UpstreamConfig.ActiveHealth active,
           UpstreamConfig.PassiveHealth passive, UpstreamConfig.CircuitBreakerConfig circuit,
           java.time.Duration trialTimeout, Runnable onChange) {
        this.config = config;
        this.onChange = onChange;
        Runnable changed = () -> this.onChange.run();
        this.url = config.url();
        this.weight = config.weight();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        this.hostHeader = port == 80 ? url.getHost() : url.getHost() + ":" + port;
        String p = url.getRawPath();
        this.basePath = p == null || p.equals("/") ? "" : (p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
        this.pool = new ConnectionPool(new InetSocketAddress(url.getHost(), port), Upstream.MAX_IDLE_PER_TARGET,
                Upstream.POOL_IDLE_TIMEOUT);
        this.health = new TargetHealth(upstreamName, url.toString(), active, passive, System::nanoTime, changed);
        this.breaker = circuit == null ? null
                : new CircuitBreaker(upstreamName, url.toString(), circuit, trialTimeout, System::nanoTime, changed);
    }

    /** The configuration this target was built from. */
    TargetConfig config() {
        return config;
    }

    /** Sends later availability changes to {@code listener} instead (the target now belongs to another upstream). */
    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /**
     * Takes this target out of service after a reload removed it: idle connections close now, connections in
     * use close when their request ends (none is pooled again). Requests in flight are not interrupted.
     */
    void retire() {
        pool.close();
    }

    /** The circuit breaker, or null when the upstream configures none. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Whether the balancer may pick this target at {@code now}: available by health and circuit. */
    boolean pickable(long now) {
        return health.available(now) && (breaker == null || breaker.allows(now));
    }

    /** Health state (active verdict, passive ejection); see {@link TargetHealth}. */
    public TargetHealth health() {
        return health;
    }

    /** The address connections go to. */
    InetSocketAddress address() {
        return pool.address();
    }

    /** The value of {@code Host} for requests to this target ({@code host} or {@code host:port}). */
    public String hostHeader() {
        return hostHeader;
    }

    /** The target URL's path without trailing slash ({@code ""} when none); prefixed to forwarded paths. */
    public String basePath() {
        return basePath;
    }

    public int weight() {
        return weight;
    }

    public URI url() {
        return url;
    }

    /**
     * Requests to this target that have started and not finished: counted from the moment
     * {@link ProxyClient#send} starts until its {@link UpstreamResponse} is closed, or until {@code send}
     * fails. Read by the {@code least-requests} balancer (and later the admin API); one volatile read.
     */
    public int inFlight() {
        return inFlight.get();
    }

    /** A request to this target starts; must be paired with exactly one {@link #requestEnded()}. */
    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    ConnectionPool pool() {
        return pool;
    }

    /** Idle connections currently pooled (for tests and the admin API). */
    public int idleConnections() {
        return pool.idleCount();
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
