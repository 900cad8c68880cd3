package io.portico.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One route ({@code routes[i]}).
 *
 * @param id           unique route id (metrics label, logs)
 * @param match        what requests this route takes
 * @param upstream     name of an upstream declared under {@code upstreams}; null for an aggregate route
 * @param stripPrefix  literal path prefix removed before forwarding (starts with '/'), if any
 * @param preserveHost forward the client's Host instead of the target's
 * @param timeout      overrides the upstream's response timeout, if set
 * @param filters      the route's own filters, run after the global ones
 * @param aggregate    the fan-out that replaces the upstream call, for an aggregate route (then
 *                     {@code upstream} is null, and {@code stripPrefix} empty)
 * @param line         line of the route in the config file (for messages)
 */
public record RouteConfig(String id,
                          MatchConfig match,
                          String upstream,
                          Optional<String> stripPrefix,
                          boolean preserveHost,
                          Optional<Duration> timeout,
                          List<FilterConfig> filters,
                          Optional<AggregateConfig> aggregate,
                          int line) {
    public RouteConfig {
        filters = List.copyOf(filters);
    }

    /** A route to an upstream (no aggregation). */
    public RouteConfig(String id, MatchConfig match, String upstream, Optional<String> stripPrefix,
                       boolean preserveHost, Optional<Duration> timeout, List<FilterConfig> filters, int line) {
        this(id, match, upstream, stripPrefix, preserveHost, timeout, filters, Optional.empty(), line);
    }
}
