package io.portico.plugins.testkit;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.FilterContext;
import io.portico.api.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A {@link FilterContext} whose metrics are counted in memory ({@link #count}); its {@link #consumers()} are empty
 * unless given with {@link #consumers(List)}.
 */
public final class FakeFilterContext implements FilterContext {
    private final String type;
    private final long maxBodySize;
    private final Map<String, Integer> counters = new ConcurrentHashMap<>();
    private volatile List<ConfiguredConsumer> consumers = List.of();

    public FakeFilterContext(String type, long maxBodySize) {
        this.type = type;
        this.maxBodySize = maxBodySize;
    }

    /** A context for {@code type} with a 10 MB server body limit. */
    public FakeFilterContext(String type) {
        this(type, 10L * 1024 * 1024);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String routeId() {
        return "route-1";
    }

    @Override
    public Logger logger() {
        return Logger.getLogger("portico.filter." + type);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Metrics metrics() {
        return new Metrics() {
            @Override
            public void increment(String name) {
                counters.merge(checked(name), 1, Integer::sum);
            }

            @Override
            public void record(String name, Duration duration) {
                checked(name);
            }
        };
    }

    @Override
    public long maxBodySize() {
        return maxBodySize;
    }

    /** The gateway's rule for metric names, enforced here too so a unit test finds a name the gateway refuses. */
    private static String checked(String name) {
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("metric names are [a-z][a-z0-9_]*, got '" + name + "'");
        }
        return name;
    }

    /** Sets the configured consumers ({@code consumers:}) this context hands to filters; returns this. */
    public FakeFilterContext consumers(List<ConfiguredConsumer> consumers) {
        this.consumers = List.copyOf(consumers);
        return this;
    }

    @Override
    public List<ConfiguredConsumer> consumers() {
        return consumers;
    }

    /** How often counter {@code name} was incremented. */
    public int count(String name) {
        return counters.getOrDefault(name, 0);
    }
}
