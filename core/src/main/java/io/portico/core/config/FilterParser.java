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
    /** Keys of an entry that belong to the gateway, not to the filter type's config. */
    static final List<String> RESERVED = List.of("type", "on-error", "before", "after");

    private final Predicate<String> typeKnown;
    private final FilterTypes types; // null: no binding
    private final FilterBinder binder;

    FilterParser(YamlNodes y, Predicate<String> typeKnown, FilterTypes types) {
        this.y = y;
        this.values = new OptionValues(y);
        this.typeKnown = typeKnown;
        this.types = types;
        this.binder = new FilterBinder(y);
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

    /** {@code before:} / {@code after:}: a list of filter type names (not checked against loaded types). */
    private List<String> typeNames(Fields f, String name) {
        List<String> out = new ArrayList<>();
        List<Node> items = f.list(name);
        for (int i = 0; i < items.size(); i++) {
            y.string(items.get(i), f.keyOf(name) + "[" + i + "]").ifPresent(t -> out.add(t.strip()));
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
            if (!RESERVED.contains(name)) {
                Object v = values.convert(f.value(name), f.keyOf(name), node);
                if (v != null) {
                    options.put(name, v);
                }
            }
        }
        FilterConfig.OnError onError = f.scalar("on-error", "fail-closed or fail-open").map(s -> switch (s.text().strip()) {
            case "fail-closed" -> FilterConfig.OnError.FAIL_CLOSED;
            case "fail-open" -> FilterConfig.OnError.FAIL_OPEN;
            default -> {
                y.invalid(s, "fail-closed or fail-open");
                yield FilterConfig.OnError.FAIL_CLOSED;
            }
        }).orElse(FilterConfig.OnError.FAIL_CLOSED);
        List<String> before = typeNames(f, "before");
        List<String> after = typeNames(f, "after");
        Record bound = null;
        Class<? extends Record> configType = types == null || type.isEmpty() ? null : types.configType(type);
        if (configType != null) {
            bound = binder.bind(configType, node, key, RESERVED);
        }
        return new FilterConfig(type, options, onError, before, after, bound, y.fileOf(node), YamlNodes.line(node));
    }
}
