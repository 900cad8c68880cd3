package io.portico.core.config;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.Consumer;
import io.portico.api.RedisSettings;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Builds the sections filters share: {@code consumers:} (for {@code key-auth} and friends) and {@code redis:}
 * (for cluster-wide filter state). Not thread-safe.
 */
final class SharedParser {
    static final List<String> CONSUMER_KEYS = List.of("id", "api-keys", "groups", "scopes");
    static final List<String> REDIS_KEYS = List.of("url", "timeout");
    static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(100);
    private static final Pattern API_KEY_HASH = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    private static final String HASH_FORMAT = "sha256:<64 lower-case hex digits> (print one with `portico hash-key KEY`)";
    private static final String REDIS_URL_FORMAT = "a URL like redis://127.0.0.1:6379, redis://:password@host:6379/0"
            + " or rediss://host:6380";

    private final YamlNodes y;

    SharedParser(YamlNodes y) {
        this.y = y;
    }

    /** {@code consumers:}: ids unique, every API key hash used by one consumer only. */
    List<ConfiguredConsumer> consumers(Fields top) {
        List<Node> items = top.list("consumers");
        List<ConfiguredConsumer> out = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        Map<String, String> keyOwners = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String key = top.keyOf("consumers") + "[" + i + "]";
            Fields c = y.mapping(items.get(i), items.get(i), key, CONSUMER_KEYS);
            if (!c.valid() || !c.require("id")) {
                continue;
            }
            Optional<Scalar> id = c.scalar("id", "a consumer id of letters, digits and ._:@-");
            if (id.isEmpty()) {
                continue;
            }
            String idText = id.get().text();
            if (!ID.matcher(idText).matches()) {
                y.invalid(id.get(), "a consumer id of letters, digits and ._:@- (at most 128, starting with a letter or digit)");
                continue;
            }
            Integer first = idLines.putIfAbsent(idText, YamlNodes.line(id.get().node()));
            if (first != null) {
                y.error(id.get().node(), id.get().key(), "duplicate consumer '" + idText + "' (first at line " + first + ")");
                continue;
            }
            List<String> keys = new ArrayList<>();
            List<Node> keyNodes = c.list("api-keys");
            for (int k = 0; k < keyNodes.size(); k++) {
                String kk = c.keyOf("api-keys") + "[" + k + "]";
                y.scalar(keyNodes.get(k), kk, HASH_FORMAT).ifPresent(s -> {
                    String h = s.text().strip();
                    if (!API_KEY_HASH.matcher(h).matches()) {
                        // never echo the value: it may be a plain key pasted by mistake
                        y.error(s.node(), s.key(), "expected " + HASH_FORMAT + "; a plain key is never accepted here");
                        return;
                    }
                    String owner = keyOwners.putIfAbsent(h, idText);
                    if (owner != null) {
                        y.error(s.node(), s.key(), "this API key hash is already used by consumer '" + owner + "'");
                        return;
                    }
                    keys.add(h);
                });
            }
            out.add(new ConfiguredConsumer(new Consumer(idText, names(c, "groups"), names(c, "scopes"), Map.of()), keys));
        }
        return out;
    }

    private Set<String> names(Fields c, String name) {
        Set<String> out = new LinkedHashSet<>();
        List<Node> nodes = c.list(name);
        for (int i = 0; i < nodes.size(); i++) {
            y.scalar(nodes.get(i), c.keyOf(name) + "[" + i + "]", "a name").ifPresent(s -> {
                if (s.text().isBlank()) {
                    y.invalid(s, "a non-empty name");
                } else {
                    out.add(s.text());
                }
            });
        }
        return out;
    }

    /** {@code redis:}: absent, null or {@code {}} → none; otherwise {@code url} is required. */
    Optional<RedisSettings> redis(Fields top) {
        if (!top.has("redis") || top.value("redis") instanceof org.yaml.snakeyaml.nodes.MappingNode m && m.getValue().isEmpty()) {
            return Optional.empty();
        }
        Fields f = top.mapping("redis", REDIS_KEYS);
        if (!f.valid() || !f.require("url")) {
            return Optional.empty();
        }
        Duration timeout = f.duration("timeout", DEFAULT_REDIS_TIMEOUT);
        if (timeout.compareTo(Duration.ofSeconds(60)) > 0) { // 0 and negative are refused by the duration parser
            y.error(f.keyNode("timeout"), f.keyOf("timeout"), "expected a duration from 1ms to 60s, got " + timeout.toMillis() + "ms");
        }
        return f.scalar("url", REDIS_URL_FORMAT).flatMap(s -> {
            try {
                URI u = URI.create(s.text().strip());
                if (("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme())) && u.getHost() != null
                        && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().matches("/\\d{1,2}"))) {
                    return Optional.of(new RedisSettings(s.text().strip(), timeout));
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            // the URL may carry a password: name the key, not the value
            y.error(s.node(), s.key(), "expected " + REDIS_URL_FORMAT);
            return Optional.empty();
        });
    }
}
