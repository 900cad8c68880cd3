package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig;
import io.portico.core.upstream.balance.Balancer;
import io.portico.core.upstream.balance.Balancers;
import io.portico.core.upstream.balance.PickContext;

import java.time.Duration;
import java.util.List;

/**
 * A named set of targets, each with its own keep-alive connection pool, the upstream's balancer and its
 * timeouts.
 *
 * <p>Thread-safe: {@link #pick(PickContext)} may be called from any number of virtual threads (see
 * {@link Balancer} for its cost). Every target is a candidate for now; health checks will narrow the
 * candidates. Pools are never shared between upstreams, so one slow upstream cannot starve another.
 */
public final class Upstream {
    /** Idle pooled connections kept per target. */
    static final int MAX_IDLE_PER_TARGET = 256;
    /** A pooled connection idle for longer is closed rather than reused. */
    static final Duration POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final List<Target> targets;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Balancer balancer;

    public Upstream(UpstreamConfig config) {
        this.name = config.name();
        this.targets = config.targets().stream().map(Target::new).toList();
        this.connectTimeout = config.connectTimeout();
        this.responseTimeout = config.responseTimeout();
        this.balancer = Balancers.create(config);
    }

    public String name() {
        return name;
    }

    public List<Target> targets() {
        return targets;
    }

    /** The upstream's response timeout (a route may override it per request). */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    ConnectionPool pool(Target target) {
        return target.pool();
    }

    /**
     * The target for a request, chosen by the configured balancer.
     *
     * @param ctx the request, consulted only by {@code consistent-hash}
     * @return a target, or null when the upstream has none available (answer 503)
     */
    public Target pick(PickContext ctx) {
        return balancer.pick(targets, ctx);
    }

    /** Closes idle pooled connections; requests in flight are not interrupted. */
    public void close() {
        targets.forEach(t -> t.pool().close());
    }
}
