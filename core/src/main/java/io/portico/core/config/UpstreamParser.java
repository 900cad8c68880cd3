package io.portico.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.portico.core.config.UpstreamConfig.ActiveHealth;
import io.portico.core.config.UpstreamConfig.Balancer;
import io.portico.core.config.UpstreamConfig.CircuitBreakerConfig;
import io.portico.core.config.UpstreamConfig.HealthConfig;
import io.portico.core.config.UpstreamConfig.PassiveHealth;
import io.portico.core.config.UpstreamConfig.RetryConfig;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Builds the {@code upstreams:} section. Not thread-safe. */
final class UpstreamParser {
    static final List<String> KEYS = List.of("targets", "balancer", "hash-on", "timeouts", "retries", "health",
            "circuit-breaker");
    static final List<String> TARGET_KEYS = List.of("url", "weight");
    static final List<String> TIMEOUT_KEYS = List.of("connect", "response");
    static final List<String> RETRY_KEYS = List.of("attempts");
    static final List<String> HEALTH_KEYS = List.of("active", "passive");
    static final List<String> ACTIVE_HEALTH_KEYS = List.of("path", "interval", "timeout", "healthy", "unhealthy");
    static final List<String> PASSIVE_HEALTH_KEYS = List.of("failures", "eject");
    static final List<String> CIRCUIT_BREAKER_KEYS = List.of("failure-ratio", "window", "open-for");
    private static final String URL_FORMAT = "an http:// URL like http://127.0.0.1:9001";
    private static final String HASH_ON_FORMAT = "ip, header:<name>, cookie:<name> or param:<name>";

    private final YamlNodes y;

    UpstreamParser(YamlNodes y) {
        this.y = y;
    }

    /**
     * Every upstream written in the files, by name, in file order (also the ones with errors). A name
     * declared again in a later file is an error there; the first declaration wins.
     *
     * @param tops the top-level mapping of the main file, then of each included file, in include order
     */
    Map<String, UpstreamConfig> parse(List<Fields> tops) {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        Map<String, Node> firsts = new HashMap<>();
        for (Fields top : tops) {
            Fields all = top.mapping("upstreams", null);
            for (String name : all.names()) {
                Node key = all.keyNode(name);
                if (!Names.isId(name)) {
                    y.error(key, all.keyOf(name), "expected an upstream name of letters, digits, '_',"
                            + " '.' and '-' (starting with a letter or digit), got '" + name + "'");
                }
                Node first = firsts.putIfAbsent(name, key);
                if (first != null) {
                    y.error(key, all.keyOf(name), "duplicate upstream '" + name + "' (first at "
                            + y.where(first, key) + ")");
                }
                UpstreamConfig u = upstream(name, all.mapping(name, KEYS));
                if (first == null) {
                    out.put(name, u);
                }
            }
        }
        return out;
    }

    private UpstreamConfig upstream(String name, Fields f) {
        List<TargetConfig> targets = targets(f);
        Balancer balancer = balancer(f);
        Optional<String> hashOn = hashOn(f, balancer);
        Fields timeouts = f.mapping("timeouts", TIMEOUT_KEYS);
        Duration connect = timeouts.duration("connect", Duration.ofSeconds(2));
        Duration response = timeouts.duration("response", Duration.ofSeconds(30));
        int attempts = f.mapping("retries", RETRY_KEYS).integer("attempts", 0, 10, 1);
        return new UpstreamConfig(name, targets, balancer, hashOn, connect, response, health(f),
                new RetryConfig(attempts), circuitBreaker(f));
    }

    private List<TargetConfig> targets(Fields f) {
        if (!f.require("targets")) {
            return List.of();
        }
        List<Node> items = f.list("targets");
        // An empty list is allowed (as in Kong): requests routed there get 503 until targets are added.
        List<TargetConfig> out = new ArrayList<>();
        Map<URI, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String key = f.keyOf("targets") + "[" + i + "]";
            Node item = items.get(i);
            Optional<Scalar> url;
            int weight = 1;
            if (item instanceof MappingNode) {
                Fields t = y.mapping(item, item, key, TARGET_KEYS);
                url = t.require("url") ? t.scalar("url", URL_FORMAT) : Optional.empty();
                weight = t.integer("weight", 1, 1000, 1);
            } else {
                url = y.scalar(item, key, URL_FORMAT + " or a mapping { url, weight }");
                if (YamlNodes.isNull(item)) {
                    y.error(item, key, "expected " + URL_FORMAT + ", got nothing");
                }
            }
            if (url.isEmpty()) {
                continue;
            }
            Scalar s = url.get();
            Optional<URI> uri = targetUrl(s);
            if (uri.isEmpty()) {
                continue;
            }
            Integer first = seen.putIfAbsent(uri.get(), YamlNodes.line(s.node()));
            if (first != null) {
                y.error(s.node(), s.key(), "duplicate target " + s.shown() + " (first at line " + first + ")");
            }
            out.add(new TargetConfig(uri.get(), weight));
        }
        return out;
    }

    /** {@code http://host[:port][/base]}, normalized to lower-case host, explicit port, no trailing '/'. */
    private Optional<URI> targetUrl(Scalar s) {
        URI u;
        try {
            u = new URI(s.text().strip());
        } catch (URISyntaxException e) {
            y.invalid(s, URL_FORMAT);
            return Optional.empty();
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            y.error(s.node(), s.key(), "https targets are not supported yet, got " + s.shown());
            return Optional.empty();
        }
        if (!scheme.equals("http") || u.isOpaque() || u.getHost() == null) {
            y.invalid(s, URL_FORMAT);
            return Optional.empty();
        }
        if (u.getRawUserInfo() != null) {
            // never echo: user info is usually a credential
            y.error(s.node(), s.key(), "expected " + URL_FORMAT + " without user info (user:password@)");
            return Optional.empty();
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            y.invalid(s, URL_FORMAT + " without a query or fragment");
            return Optional.empty();
        }
        int port = u.getPort() == -1 ? 80 : u.getPort();
        if (port < 1 || port > 65535) {
            y.invalid(s, URL_FORMAT + " with a port 1..65535");
            return Optional.empty();
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return Optional.of(URI.create("http://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port + path));
    }

    private Balancer balancer(Fields f) {
        String expected = "one of: " + Arrays.stream(Balancer.values()).map(Balancer::key)
                .collect(Collectors.joining(", "));
        return f.scalar("balancer", expected).flatMap(s -> {
            for (Balancer b : Balancer.values()) {
                if (b.key().equals(s.text().strip())) {
                    return Optional.of(b);
                }
            }
            y.invalid(s, expected);
            return Optional.<Balancer>empty();
        }).orElse(Balancer.ROUND_ROBIN);
    }

    private Optional<String> hashOn(Fields f, Balancer balancer) {
        if (balancer != Balancer.CONSISTENT_HASH) {
            if (f.has("hash-on")) {
                y.error(f.keyNode("hash-on"), f.keyOf("hash-on"),
                        "hash-on is only used with balancer: consistent-hash");
            }
            return Optional.empty();
        }
        return Optional.of(f.scalar("hash-on", HASH_ON_FORMAT).flatMap(s -> {
            String v = s.text().strip();
            int colon = v.indexOf(':');
            String kind = colon < 0 ? v : v.substring(0, colon);
            String name = colon < 0 ? "" : v.substring(colon + 1);
            boolean ok = switch (kind) {
                case "ip" -> colon < 0;
                case "header" -> Names.isToken(name);
                case "cookie", "param" -> !name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f
                        && c != ';' && c != ',' && c != '=');
                default -> false;
            };
            if (!ok) {
                y.invalid(s, HASH_ON_FORMAT);
                return Optional.<String>empty();
            }
            return Optional.of(kind.equals("header") ? "header:" + name.toLowerCase(Locale.ROOT) : v);
        }).orElse("ip"));
    }

    private Optional<HealthConfig> health(Fields f) {
        Fields h = f.mapping("health", HEALTH_KEYS);
        Optional<ActiveHealth> active = Optional.empty();
        Optional<PassiveHealth> passive = Optional.empty();
        if (h.present("active")) {
            Fields a = h.mapping("active", ACTIVE_HEALTH_KEYS);
            String path = a.scalar("path", "a path like /health").filter(s -> {
                if (s.text().startsWith("/") && s.text().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    return true;
                }
                y.invalid(s, "a path starting with '/' like /health");
                return false;
            }).map(Scalar::text).orElse("/health");
            active = Optional.of(new ActiveHealth(path,
                    a.duration("interval", Duration.ofSeconds(5)),
                    a.duration("timeout", Duration.ofSeconds(1)),
                    a.integer("healthy", 1, 1000, 2),
                    a.integer("unhealthy", 1, 1000, 3)));
        }
        if (h.present("passive")) {
            Fields p = h.mapping("passive", PASSIVE_HEALTH_KEYS);
            passive = Optional.of(new PassiveHealth(p.integer("failures", 1, 1000, 5),
                    p.duration("eject", Duration.ofSeconds(30))));
        }
        if (active.isEmpty() && passive.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new HealthConfig(active, passive));
    }

    private Optional<CircuitBreakerConfig> circuitBreaker(Fields f) {
        if (!f.present("circuit-breaker")) {
            return Optional.empty();
        }
        Fields c = f.mapping("circuit-breaker", CIRCUIT_BREAKER_KEYS);
        String ratioFormat = "a number greater than 0 and at most 1, like 0.5";
        double ratio = c.scalar("failure-ratio", ratioFormat).flatMap(s -> {
            try {
                String t = s.text().strip();
                double r = t.matches("[0-9]*\\.?[0-9]+") ? Double.parseDouble(t) : Double.NaN;
                if (r > 0 && r <= 1) {
                    return Optional.of(r);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            y.invalid(s, ratioFormat);
            return Optional.<Double>empty();
        }).orElse(0.5);
        return Optional.of(new CircuitBreakerConfig(ratio, c.integer("window", 1, Integer.MAX_VALUE, 20),
                c.duration("open-for", Duration.ofSeconds(10))));
    }
}
