package io.portico.core.chain;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.FilterContext;
import io.portico.api.RedisSettings;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The {@link FilterContext} handed to {@link io.portico.api.FilterFactory#create}: logger
 * {@code portico.filter.<type>}, the UTC system clock (unless a test gives another), in-memory metrics.
 * Immutable apart from the metrics; thread-safe.
 */
public final class DefaultFilterContext implements FilterContext {
    private final String type;
    private final String routeId;
    private final Logger logger;
    private final Clock clock;
    private final InMemoryMetrics metrics = new InMemoryMetrics();
    private final long maxBodySize;
    private final List<ConfiguredConsumer> consumers;
    private final Optional<RedisSettings> redis;

    public DefaultFilterContext(String type, String routeId, Clock clock, long maxBodySize) {
        this(type, routeId, clock, maxBodySize, List.of(), Optional.empty());
    }

    public DefaultFilterContext(String type, String routeId, Clock clock, long maxBodySize,
                                List<ConfiguredConsumer> consumers, Optional<RedisSettings> redis) {
        this.type = type;
        this.routeId = routeId;
        this.logger = Logger.getLogger("portico.filter." + type);
        this.clock = clock;
        this.maxBodySize = maxBodySize;
        this.consumers = List.copyOf(consumers);
        this.redis = redis;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public InMemoryMetrics metrics() {
        return metrics;
    }

    @Override
    public long maxBodySize() {
        return maxBodySize;
    }

    @Override
    public List<ConfiguredConsumer> consumers() {
        return consumers;
    }

    @Override
    public Optional<RedisSettings> redis() {
        return redis;
    }
}
