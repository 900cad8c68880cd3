package io.portico.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Builds {@code filters:} lists (global and per route) into {@link FilterConfig}s: {@code type} is required
 * and must be a known filter type; every other key becomes an option value (see
 * {@link OptionValues}). Options are bound to the type's own config later, by the filter
 * registry. Not thread-safe.
 */
final class FilterParser {
    private final YamlNodes y;
    private final OptionValues values;
    private final Predicate<String> typeKnown;

    FilterParser(YamlNodes y, Predicate<String> typeKnown) {
        this.y = y;
        this.values = new OptionValues(y);
        this.typeKnown = typeKnown;
    }

    /** The list under {@code name} in {@code parent}; absent or null gives an empty list. */
    List<FilterConfig> list(Fields parent, String name) {
        List<Node> items = parent.list(name);
        List<FilterConfig> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            FilterConfig f = filter(items.get(i), parent.keyOf(name) + "[" + i + "]");
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private FilterConfig filter(Node node, String key) {
        if (YamlNodes.isNull(node)) {
            y.error(node, key, "expected a filter like { type: request-id }, got nothing");
            return null;
        }
        Fields f = y.mapping(node, node, key, null);
        if (!f.valid() || !f.require("type")) {
            return null;
        }
        String type = f.scalar("type", "a filter type name").map(s -> {
            String t = s.text().strip();
            if (!typeKnown.test(t)) {
                y.error(s.node(), s.key(), "unknown filter type " + s.shown());
            }
            return t;
        }).orElse("");
        Map<String, Object> options = new LinkedHashMap<>();
        for (String name : f.names()) {
            if (!name.equals("type")) {
                Object v = values.convert(f.value(name), f.keyOf(name), node);
                if (v != null) {
                    options.put(name, v);
                }
            }
        }
        return new FilterConfig(type, options, y.fileOf(node), YamlNodes.line(node));
    }
}
