package io.portico.api;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What a filter gets from the gateway when it is created ({@link FilterFactory#create}). Thread-safe; may be
 * kept by the filter for its whole life.
 */
public interface FilterContext {

    /** The filter's type name. */
    String type();

    /** The route the filter is configured on, or null for a global filter. */
    String routeId();

    /** A logger named {@code portico.filter.<type>}. */
    Logger logger();

    /** The gateway's clock (tests may substitute it). */
    Clock clock();

    /** Metrics labelled with this filter's type and route. */
    Metrics metrics();

    /** {@code server.max-body-size}: the most a body may be buffered to. */
    long maxBodySize();

    /**
     * The consumers of the configuration ({@code consumers:}) this filter was created with, in declaration order;
     * empty when there are none. A reload that changes them creates the filters again.
     */
    default List<ConfiguredConsumer> consumers() {
        return List.of();
    }

    /** The top-level {@code redis:} settings, or empty when the configuration has none. */
    default Optional<RedisSettings> redis() {
        return Optional.empty();
    }
}
