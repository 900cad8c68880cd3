package io.portico.core.route;

import io.portico.core.config.MatchConfig;
import io.portico.core.config.RouteConfig;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One compiled route: its config, its {@link PathPattern} and its request predicates. Immutable and
 * thread-safe; predicate tests do not allocate (except the query, which the {@link RouteTable} parses
 * at most once per match).
 *
 * <p>Predicates, all of which must hold (see {@link MatchConfig}):
 * <ul>
 *   <li>methods: the request method is one of them (exact, upper-case); none configured = any;</li>
 *   <li>host: see the host rules in {@link MatchConfig#host()}: case-insensitive, port ignored,
 *       {@code *.example.com} needs at least one extra label; a request without a host fails it;</li>
 *   <li>headers: the first value of the header equals the configured value (case-sensitive), or for
 *       {@code "*"} the header is present (even empty); names are looked up case-insensitively;</li>
 *   <li>query: the first value of the parameter, percent-decoded with {@code +} as space, equals the
 *       configured value (compared as configured, not decoded), or for {@code "*"} it is present.</li>
 * </ul>
 */
public final class Route {

    private final RouteConfig config;
    private final PathPattern pattern;
    private final String[] methods;
    private final HostMatcher host;
    private final String[] headerNames;
    /** Required values; {@code null} means "present". */
    private final String[] headerValues;
    private final String[] queryNames;
    private final String[] queryValues;
    /** Normalized prefix without trailing slash; {@code null} when nothing is stripped. */
    private final String stripPrefix;

    private Route(RouteConfig config) {
        this.config = config;
        MatchConfig match = config.match();
        this.pattern = PathPattern.compile(match.path());
        this.methods = match.methods().toArray(String[]::new);
        this.host = match.host().filter(h -> !h.isBlank()).map(HostMatcher::of).orElse(null);
        this.headerNames = new String[match.headers().size()];
        this.headerValues = new String[headerNames.length];
        fill(match.headers(), headerNames, headerValues, true);
        this.queryNames = new String[match.query().size()];
        this.queryValues = new String[queryNames.length];
        fill(match.query(), queryNames, queryValues, false);
        this.stripPrefix = config.stripPrefix().map(p -> compilePrefix(config.id(), p)).orElse(null);
    }

    /**
     * Compiles a route.
     *
     * @param config a validated route config
     * @return the route
     * @throws IllegalArgumentException if the path pattern or strip-prefix is invalid
     */
    public static Route of(RouteConfig config) {
        Objects.requireNonNull(config, "config");
        return new Route(config);
    }

    private static void fill(Map<String, String> map, String[] names, String[] values, boolean lowerNames) {
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            names[i] = lowerNames ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey();
            values[i] = "*".equals(e.getValue()) ? null : e.getValue();
            i++;
        }
    }

    private static String compilePrefix(String id, String prefix) {
        String normalized;
        try {
            normalized = PathNormalizer.normalize(prefix);
        } catch (BadPathException e) {
            throw new IllegalArgumentException("route '" + id + "': invalid strip-prefix: " + e.getMessage());
        }
        if (normalized.endsWith("/")) {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        return normalized.isEmpty() ? null : normalized;
    }

    /**
     * {@return the route id}
     */
    public String id() {
        return config.id();
    }

    /**
     * {@return the route's config}
     */
    public RouteConfig config() {
        return config;
    }

    /**
     * {@return the compiled path pattern}
     */
    public PathPattern pattern() {
        return pattern;
    }

    /** Methods, host and headers. Does not allocate. */
    boolean matchesRequest(RequestFacts facts) {
        if (methods.length > 0 && !containsMethod(facts.method())) {
            return false;
        }
        for (int i = 0; i < headerNames.length; i++) {
            String value = facts.header(headerNames[i]);
            if (value == null || (headerValues[i] != null && !headerValues[i].equals(value))) {
                return false;
            }
        }
        return host == null || host.matches(facts.host());
    }

    private boolean containsMethod(String method) {
        for (String m : methods) {
            if (m.equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@link #matchesQuery} needs the parsed query. */
    boolean hasQueryPredicates() {
        return queryNames.length > 0;
    }

    boolean matchesQuery(QueryParams query) {
        for (int i = 0; i < queryNames.length; i++) {
            String value = query.first(queryNames[i]);
            if (value == null || (queryValues[i] != null && !queryValues[i].equals(value))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The path to forward: {@code path} without the strip-prefix when it starts with the prefix at a
     * segment boundary, else {@code path} itself. Always starts with {@code /}: prefix {@code /api}
     * turns {@code /api} and {@code /api/} into {@code /}, {@code /api/x} into {@code /x}, and leaves
     * {@code /apix} alone.
     *
     * @param path the normalized request path
     * @return the upstream path; {@code path} itself (no allocation) when nothing is stripped
     */
    public String upstreamPath(String path) {
        String prefix = stripPrefix;
        if (prefix == null || !path.startsWith(prefix)) {
            return path;
        }
        int n = prefix.length();
        if (path.length() == n) {
            return "/";
        }
        return path.charAt(n) == '/' ? path.substring(n) : path;
    }

    @Override
    public String toString() {
        return "Route[" + id() + " " + pattern + "]";
    }
}
