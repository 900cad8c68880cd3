package io.portico.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Builds the {@code routes:} section and checks route references to upstreams. A route has either an
 * {@code upstream} or an {@code aggregate} section (read by {@link AggregateParser}). Not thread-safe.
 */
final class RouteParser {
    static final List<String> KEYS = List.of("id", "match", "upstream", "strip-prefix", "preserve-host", "timeout",
            "filters", "aggregate");
    static final List<String> MATCH_KEYS = List.of("path", "methods", "host", "headers", "query");

    private final YamlNodes y;
    private final FilterParser filters;
    private final AggregateParser aggregates;

    RouteParser(YamlNodes y, FilterParser filters) {
        this.y = y;
        this.filters = filters;
        this.aggregates = new AggregateParser(y);
    }

    /**
     * The routes of every file, in order: the main file's, then each included file's. Route ids are unique
     * across files; keys in messages index routes within their own file ({@code routes[0]} is the first
     * route of that file).
     *
     * @param tops      the top-level mapping of the main file, then of each included file, in include order
     * @param upstreams the names written under {@code upstreams:} in any of the files
     */
    List<RouteConfig> parse(List<Fields> tops, Set<String> upstreams) {
        List<RouteConfig> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (Fields top : tops) {
            List<Node> items = top.list("routes");
            for (int i = 0; i < items.size(); i++) {
                RouteConfig r = route(items.get(i), top.keyOf("routes") + "[" + i + "]", upstreams, ids);
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private RouteConfig route(Node node, String key, Set<String> upstreams, Map<String, Node> ids) {
        if (YamlNodes.isNull(node)) {
            y.error(node, key, "expected a route like { id: ..., match: { path: ... }, upstream: ... }, got nothing");
            return null;
        }
        Fields f = y.mapping(node, node, key, KEYS);
        if (!f.valid()) {
            return null;
        }
        String id = "";
        if (f.require("id")) {
            id = f.scalar("id", "a route id").map(s -> {
                String v = s.text();
                if (!Names.isId(v)) {
                    y.invalid(s, "a route id of letters, digits, '_', '.' and '-' (starting with a letter or digit)");
                } else {
                    Node first = ids.putIfAbsent(v, s.node());
                    if (first != null) {
                        y.error(s.node(), s.key(), "duplicate route id " + s.shown() + " (first at "
                                + y.where(first, s.node()) + ")");
                    }
                }
                return v;
            }).orElse("");
        }
        List<String> literals = new ArrayList<>();
        MatchConfig match = f.require("match") ? match(f.mapping("match", MATCH_KEYS), literals)
                : new MatchConfig("", Set.of(), Optional.empty(), Map.of(), Map.of());
        Optional<Duration> timeout = f.duration("timeout");
        List<FilterConfig> routeFilters = filters.list(f, "filters");
        if (f.present("aggregate")) {
            AggregateConfig aggregate = aggregate(f, match.path(), upstreams);
            return new RouteConfig(id, match, null, Optional.empty(), false, timeout, routeFilters,
                    Optional.of(aggregate), YamlNodes.line(node));
        }
        String upstream = upstream(f, upstreams);
        Optional<String> stripPrefix = stripPrefix(f, match.path(), literals);
        boolean preserveHost = f.bool("preserve-host", false);
        return new RouteConfig(id, match, upstream, stripPrefix, preserveHost, timeout, routeFilters,
                YamlNodes.line(node));
    }

    /**
     * The {@code aggregate} section of a route that has one; {@code upstream}, {@code strip-prefix} and
     * {@code preserve-host} are refused beside it.
     *
     * @param pattern the route's {@code match.path}; empty when missing or invalid (already reported)
     */
    private AggregateConfig aggregate(Fields f, String pattern, Set<String> upstreams) {
        if (f.present("upstream")) {
            y.error(f.keyNode("aggregate"), f.keyOf("aggregate"), "a route has either 'upstream' or 'aggregate',"
                    + " not both");
        }
        for (String key : List.of("strip-prefix", "preserve-host")) {
            if (f.present(key)) {
                y.error(f.keyNode(key), f.keyOf(key), "'" + key + "' applies to upstream routes; an aggregate"
                        + " route cannot have it");
            }
        }
        return aggregates.parse(f.mapping("aggregate", AggregateParser.KEYS), pattern, upstreams);
    }

    private String upstream(Fields f, Set<String> upstreams) {
        if (!f.has("upstream")) {
            y.error(f.node(), f.keyOf("upstream"), "missing required key 'upstream' (or 'aggregate')");
            return "";
        }
        return f.scalar("upstream", "an upstream name").map(s -> checkUpstream(y, s, upstreams)).orElse("");
    }

    /** Records an error unless {@code s} names a declared upstream; returns its text either way. */
    static String checkUpstream(YamlNodes y, Scalar s, Set<String> upstreams) {
        if (!upstreams.contains(s.text())) {
            y.error(s.node(), s.key(), "unknown upstream " + s.shown() + "; "
                    + (upstreams.isEmpty() ? "no upstreams are declared under 'upstreams'"
                    : "expected one of: " + String.join(", ", upstreams)));
        }
        return s.text();
    }

    private Optional<String> stripPrefix(Fields f, String pattern, List<String> literals) {
        return f.scalar("strip-prefix", "a path prefix like /api").filter(s -> {
            if (!s.text().startsWith("/")) {
                y.invalid(s, "a path prefix starting with '/', like /api");
                return false;
            }
            if (pattern.isEmpty() || PathPatterns.isLiteralPrefix(s.text(), literals)) {
                return true;
            }
            if (literals.isEmpty()) {
                y.error(s.node(), s.key(), "the path pattern '" + pattern + "' starts with no literal segment, so"
                        + " there is no prefix to strip; got " + s.shown());
            } else {
                y.invalid(s, "a leading part of the path pattern '" + pattern + "' made of whole literal"
                        + " segments, such as '/" + literals.getFirst() + "'");
            }
            return false;
        }).map(Scalar::text);
    }

    /** @param literals receives the pattern's leading literal segments */
    private MatchConfig match(Fields m, List<String> literals) {
        String path = "";
        if (m.require("path")) {
            path = m.scalar("path", "a path pattern like /api/**").map(s -> {
                PathPatterns.Checked c = PathPatterns.check(s.text());
                if (!c.valid()) {
                    y.invalid(s, c.expected());
                    return "";
                }
                literals.addAll(c.literals());
                return s.text();
            }).orElse("");
        }
        return new MatchConfig(path, methods(m), host(m), headers(m), query(m));
    }

    private Set<String> methods(Fields m) {
        Set<String> out = new LinkedHashSet<>();
        List<Node> items = m.list("methods");
        for (int i = 0; i < items.size(); i++) {
            y.scalar(items.get(i), m.keyOf("methods") + "[" + i + "]", "an HTTP method like GET").ifPresent(s -> {
                String v = s.text().strip().toUpperCase(Locale.ROOT);
                if (Names.isToken(v)) {
                    out.add(v);
                } else {
                    y.invalid(s, "an HTTP method like GET");
                }
            });
        }
        return out;
    }

    private Optional<String> host(Fields m) {
        return m.scalar("host", "a host name like api.example.com or *.example.com").filter(s -> {
            if (Names.isHostPattern(s.text())) {
                return true;
            }
            y.invalid(s, "a host name like api.example.com or *.example.com (no port)");
            return false;
        }).map(s -> s.text().toLowerCase(Locale.ROOT));
    }

    private Map<String, String> headers(Fields m) {
        Fields h = m.mapping("headers", null);
        Map<String, String> out = new HashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (String name : h.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!Names.isToken(name)) {
                y.error(h.keyNode(name), h.keyOf(name), "expected a header name (letters, digits and"
                        + " !#$%&'*+-.^_`|~), got '" + name + "'");
                continue;
            }
            Integer first = lines.putIfAbsent(lower, YamlNodes.line(h.keyNode(name)));
            if (first != null) {
                y.error(h.keyNode(name), h.keyOf(name), "duplicate header '" + name + "' (header names ignore"
                        + " case; first at line " + first + ")");
                continue;
            }
            value(h, name).ifPresent(v -> out.put(lower, v));
        }
        return out;
    }

    private Map<String, String> query(Fields m) {
        Fields q = m.mapping("query", null);
        Map<String, String> out = new HashMap<>();
        for (String name : q.names()) {
            if (name.isEmpty()) {
                y.error(q.keyNode(name), q.keyOf(name), "expected a query parameter name, got ''");
                continue;
            }
            value(q, name).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    /** A required string value without control characters ("*" means: present). */
    private Optional<String> value(Fields f, String name) {
        if (!f.has(name)) {
            y.error(f.present(name) ? f.value(name) : f.node(), f.keyOf(name),
                    "expected a value to match (\"*\" matches any value), got nothing");
            return Optional.empty();
        }
        return f.scalar(name, "a string value").filter(s -> {
            if (s.text().chars().allMatch(c -> c >= 0x20 && c != 0x7f || c == '\t')) {
                return true;
            }
            y.error(s.node(), s.key(), "expected a value without control characters, got " + s.shown());
            return false;
        }).map(Scalar::text);
    }
}
