package io.portico.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Converts free-form YAML (filter options) to plain Java values: String, Long, Double, Boolean, List or Map
 * (unmodifiable, in file order), with {@code ${VAR}} substituted. A plain (unquoted) scalar becomes a
 * Boolean for {@code true}/{@code false} and a Long or Double for a number, following the YAML 1.2 core
 * schema (so {@code yes}/{@code on} stay strings, and so does an integer too large for a Long); a quoted or
 * {@code !!str} scalar is always a String. Nulls and self-containing structures are errors. Problems are
 * recorded through {@link YamlNodes}. Not thread-safe.
 */
final class OptionValues {
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private final YamlNodes y;

    OptionValues(YamlNodes y) {
        this.y = y;
    }

    /**
     * The value of {@code node}, which sits inside {@code container} (and must not contain it).
     *
     * @return the value, or null when it was rejected (recorded)
     */
    Object convert(Node node, String key, Node container) {
        Set<Node> stack = Collections.newSetFromMap(new IdentityHashMap<>());
        stack.add(container);
        return convert(node, key, stack);
    }

    private Object convert(Node node, String key, Set<Node> stack) {
        if (YamlNodes.isNull(node)) {
            y.error(node, key, "expected a value, got nothing");
            return null;
        }
        if (node instanceof ScalarNode s) {
            boolean explicitString = Tag.STR.equals(s.getTag()) && !(typed(s.getValue()) instanceof String);
            return y.scalar(s, key, "a value")
                    .map(v -> s.isPlain() && !explicitString ? typed(v.text()) : v.text())
                    .orElse(null);
        }
        if (!stack.add(node)) {
            y.error(node, key, "a value cannot contain itself (recursive alias)");
            return null;
        }
        try {
            if (node instanceof SequenceNode seq) {
                List<Object> out = new ArrayList<>();
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    Object v = convert(items.get(i), key + "[" + i + "]", stack);
                    if (v != null) {
                        out.add(v);
                    }
                }
                return Collections.unmodifiableList(out);
            }
            Fields f = y.mapping(node, node, key, null);
            Map<String, Object> out = new LinkedHashMap<>();
            for (String name : f.names()) {
                Object v = convert(f.value(name), f.keyOf(name), stack);
                if (v != null) {
                    out.put(name, v);
                }
            }
            return Collections.unmodifiableMap(out);
        } finally {
            stack.remove(node);
        }
    }

    private static Object typed(String text) {
        if (YamlNodes.BOOL_TRUE.matcher(text).matches()) {
            return Boolean.TRUE;
        }
        if (YamlNodes.BOOL_FALSE.matcher(text).matches()) {
            return Boolean.FALSE;
        }
        try {
            if (INT.matcher(text).matches()) {
                return Long.parseLong(text);
            }
            if (FLOAT.matcher(text).matches()) {
                return Double.parseDouble(text);
            }
        } catch (NumberFormatException e) {
            // too large for a Long: keep the text
        }
        return text;
    }
}
