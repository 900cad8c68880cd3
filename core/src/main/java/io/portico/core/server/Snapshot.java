package io.portico.core.server;

import io.portico.core.aggregate.Aggregator;
import io.portico.core.chain.FilterChain;
import io.portico.core.route.RouteTable;
import io.portico.core.upstream.Upstreams;

import java.util.Map;

/**
 * What one configuration contributes to the request path. Immutable; a reload publishes a new one and
 * requests in flight finish on the one they started with.
 *
 * @param routes    the route table
 * @param upstreams the upstreams by name
 * @param chains    the filter chain of each route that has filters, by route id; a route that is absent
 *                  has none and takes the unfiltered path (the map is empty when no filter is configured)
 * @param aggregates the aggregator of each aggregate route, by route id
 * @param admission counts the filtered requests running on this snapshot (see {@link Admission})
 */
public record Snapshot(RouteTable routes, Upstreams upstreams, Map<String, FilterChain> chains,
                       Map<String, Aggregator> aggregates, Admission admission) {
    public Snapshot {
        chains = Map.copyOf(chains);
        aggregates = Map.copyOf(aggregates);
    }

    /** A snapshot with its own, open {@link Admission}. */
    public Snapshot(RouteTable routes, Upstreams upstreams, Map<String, FilterChain> chains,
                    Map<String, Aggregator> aggregates) {
        this(routes, upstreams, chains, aggregates, new Admission());
    }

    /** A snapshot without aggregate routes. */
    public Snapshot(RouteTable routes, Upstreams upstreams, Map<String, FilterChain> chains) {
        this(routes, upstreams, chains, Map.of());
    }

    /** A snapshot without filters. */
    public Snapshot(RouteTable routes, Upstreams upstreams) {
        this(routes, upstreams, Map.of());
    }

    /** The aggregator of {@code routeId}, or null when it is not an aggregate route. Does not allocate. */
    public Aggregator aggregate(String routeId) {
        return aggregates.isEmpty() ? null : aggregates.get(routeId);
    }

    /** The chain of {@code routeId}, or null when it has none. Does not allocate. */
    public FilterChain chain(String routeId) {
        return chains.isEmpty() ? null : chains.get(routeId);
    }
}
