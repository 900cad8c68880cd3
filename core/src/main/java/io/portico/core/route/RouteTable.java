package io.portico.core.route;

import io.portico.core.config.RouteConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable snapshot of all routes, built once from the config and swapped as a whole on reload.
 *
 * <h2>Selection</h2>
 * Routes are tried most specific first ({@link PathPattern#SPECIFICITY}: exact, then parameterized,
 * then {@code /**} patterns; more literal segments first; longer first), ties in declaration order.
 * The first route whose path pattern <em>and</em> all predicates match wins, so a more specific path
 * whose header (or method, host, query) predicate fails falls through to the next candidate. No match
 * gives {@code null} (the server answers 404).
 *
 * <h2>Threading and cost</h2>
 * Thread-safe without locks. {@link #match} looks up candidates by the path's first segment, tests
 * path and predicates without allocating, parses the query at most once and only if a candidate has
 * query predicates, and allocates only the {@link RouteMatch} (plus captured parameters and a
 * stripped path) on a hit.
 */
public final class RouteTable {

    private static final RouteTable EMPTY = new RouteTable(new Route[0]);

    private final Route[] ordered;
    private final List<Route> routes;
    private final FirstSegmentIndex index;

    private RouteTable(Route[] ordered) {
        this.ordered = ordered;
        this.routes = List.of(ordered);
        this.index = new FirstSegmentIndex(ordered);
    }

    /**
     * Compiles and orders the routes.
     *
     * @param configs validated route configs in declaration order
     * @return the table
     * @throws IllegalArgumentException if a pattern or strip-prefix is invalid, or two routes share an id
     */
    public static RouteTable of(List<RouteConfig> configs) {
        Objects.requireNonNull(configs, "configs");
        List<Route> compiled = new ArrayList<>(configs.size());
        Set<String> ids = new HashSet<>();
        for (RouteConfig config : configs) {
            if (!ids.add(config.id())) {
                throw new IllegalArgumentException("duplicate route id '" + config.id() + "'");
            }
            compiled.add(Route.of(config));
        }
        compiled.sort((a, b) -> PathPattern.SPECIFICITY.compare(a.pattern(), b.pattern())); // stable
        return new RouteTable(compiled.toArray(Route[]::new));
    }

    /**
     * {@return a table without routes (every match is {@code null})}
     */
    public static RouteTable empty() {
        return EMPTY;
    }

    /**
     * Finds the route for a request.
     *
     * @param facts the request; {@link RequestFacts#path()} must be normalized
     * @return the match, or {@code null} if no route takes the request
     */
    public RouteMatch match(RequestFacts facts) {
        String path = facts.path();
        QueryParams query = null;
        for (Route route : index.candidates(path)) {
            if (!route.pattern().matches(path) || !route.matchesRequest(facts)) {
                continue;
            }
            if (route.hasQueryPredicates()) {
                if (query == null) {
                    query = QueryParams.parse(facts.rawQuery());
                }
                if (!route.matchesQuery(query)) {
                    continue;
                }
            }
            return new RouteMatch(route, route.pattern().capture(path), route.upstreamPath(path));
        }
        return null;
    }

    /**
     * {@return the routes in the order they are tried (most specific first); unmodifiable}
     */
    public List<Route> routes() {
        return routes;
    }

    /**
     * {@return the number of routes}
     */
    public int size() {
        return ordered.length;
    }
}
