package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named set of targets, each with its own keep-alive connection pool, and the upstream's timeouts.
 *
 * <p>Thread-safe: {@link #pick()} is lock-free and may be called from any number of virtual threads.
 * Picking is round-robin over the targets for now; the load-balancing issue adds the other balancers and
 * health state. Pools are never shared between upstreams, so one slow upstream cannot starve another.
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
    private final AtomicInteger next = new AtomicInteger();

    public Upstream(UpstreamConfig config) {
        this.name = config.name();
        this.targets = config.targets().stream().map(Target::new).toList();
        this.connectTimeout = config.connectTimeout();
        this.responseTimeout = config.responseTimeout();
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

    /** The next target to use, or null when the upstream has none available (answer 503). */
    public Target pick() {
        int n = targets.size();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return targets.get(0);
        }
        return targets.get(Math.floorMod(next.getAndIncrement(), n));
    }

    /** Closes idle pooled connections; requests in flight are not interrupted. */
    public void close() {
        targets.forEach(t -> t.pool().close());
    }
}
