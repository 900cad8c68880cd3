package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All upstreams of one configuration, by name, and the active health checks of those that configure
 * them (started here, stopped by {@link #close()} or {@link #retire(Upstreams)}). Immutable after
 * construction; thread-safe.
 *
 * <p>A reload builds the next set from the previous one: an upstream whose configuration is unchanged is
 * the very same object (pools, health, breakers, balancer position, retry budget), a changed one keeps the
 * targets it can (see {@link Upstream#Upstream(UpstreamConfig, Upstream)}). Once the next set is published,
 * {@link #retire(Upstreams)} on the previous one drains what the next one no longer uses.
 */
public final class Upstreams implements AutoCloseable {
    private final Map<String, Upstream> byName;
    private final HealthChecker checker;

    public Upstreams(Map<String, UpstreamConfig> configs) {
        this(configs, null);
    }

    /** The upstreams for {@code configs}, taking over what it can from {@code previous} (may be null). */
    public Upstreams(Map<String, UpstreamConfig> configs, Upstreams previous) {
        Map<String, Upstream> m = new LinkedHashMap<>();
        configs.forEach((name, cfg) -> {
            Upstream old = previous == null ? null : previous.get(name);
            m.put(name, old != null && old.config().equals(cfg) ? old : new Upstream(cfg, old));
        });
        this.byName = Collections.unmodifiableMap(m);
        this.checker = new HealthChecker(List.copyOf(m.values()));
    }

    /**
     * Called on the set being replaced once {@code next} is published: stops this set's health checks and
     * retires every target {@code next} does not use (its idle connections close now, the others when their
     * request ends). Requests in flight on this set finish normally.
     */
    public void retire(Upstreams next) {
        checker.close();
        byName.forEach((name, u) -> {
            Upstream successor = next.get(name);
            if (successor != u) {
                u.retireUnused(successor);
            }
        });
    }

    /** Whether {@code next} reuses this set's upstream called {@code name} as is. */
    public boolean keeps(String name, Upstreams next) {
        Upstream u = byName.get(name);
        return u != null && u == next.get(name);
    }

    /** The upstream called {@code name}, or null (the config loader guarantees routes name existing ones). */
    public Upstream get(String name) {
        return byName.get(name);
    }

    public Collection<Upstream> all() {
        return byName.values();
    }

    @Override
    public void close() {
        checker.close();
        byName.values().forEach(Upstream::close);
    }
}
