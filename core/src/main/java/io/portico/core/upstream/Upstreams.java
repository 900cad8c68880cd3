package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All upstreams of one configuration, by name, and the active health checks of those that configure
 * them (started here, stopped by {@link #close()}). Immutable after construction; thread-safe.
 */
public final class Upstreams implements AutoCloseable {
    private final Map<String, Upstream> byName;
    private final HealthChecker checker;

    public Upstreams(Map<String, UpstreamConfig> configs) {
        Map<String, Upstream> m = new LinkedHashMap<>();
        configs.forEach((name, cfg) -> m.put(name, new Upstream(cfg)));
        this.byName = Map.copyOf(m);
        this.checker = new HealthChecker(List.copyOf(m.values()));
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
