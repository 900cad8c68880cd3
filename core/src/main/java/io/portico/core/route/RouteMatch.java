package io.portico.core.route;

import java.util.Objects;

/**
 * The result of a successful {@link RouteTable#match}. Immutable.
 *
 * @param route        the route that matched
 * @param params       the path parameters captured by its pattern ({@link PathParams#EMPTY} if none)
 * @param upstreamPath the normalized request path with the route's strip-prefix removed; always starts
 *                     with {@code /} (see {@link Route#upstreamPath})
 */
public record RouteMatch(Route route, PathParams params, String upstreamPath) {

    /**
     * Creates a match.
     *
     * @throws NullPointerException if any component is null
     */
    public RouteMatch {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(upstreamPath, "upstreamPath");
    }
}
