package io.portico.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The entries of one YAML mapping (after merge keys), with typed getters that report problems through
 * the owning {@link YamlNodes} and fall back to a default. A key whose value is YAML null counts as absent.
 * Not thread-safe.
 */
final class Fields {
    private final YamlNodes y;
    private final Node node;
    private final String key;
    private final Map<String, NodeTuple> entries;
    private final boolean valid;

    Fields(YamlNodes y, Node node, String key, Map<String, NodeTuple> entries, boolean valid) {
        this.y = y;
        this.node = node;
        this.key = key;
        this.entries = entries;
        this.valid = valid;
    }

    /** The mapping node (or what stood in its place); used as the line of "missing key" problems. */
    Node node() {
        return node;
    }

    String key() {
        return key;
    }

    /** False when the node was not a mapping (already reported). */
    boolean valid() {
        return valid;
    }

    Set<String> names() {
        return entries.keySet();
    }

    String keyOf(String name) {
        return YamlNodes.child(key, name);
    }

    /** Whether the key is written at all, even with a null value. */
    boolean present(String name) {
        return entries.containsKey(name);
    }

    /** Whether the key is written with a non-null value. */
    boolean has(String name) {
        return present(name) && !YamlNodes.isNull(value(name));
    }

    /** The value node, or null when absent. */
    Node value(String name) {
        NodeTuple t = entries.get(name);
        return t == null ? null : t.getValueNode();
    }

    /** The key node, or null when absent. */
    Node keyNode(String name) {
        NodeTuple t = entries.get(name);
        return t == null ? null : t.getKeyNode();
    }

    /** Records "missing required key" (at this mapping's line) unless the key has a value. */
    boolean require(String name) {
        if (has(name)) {
            return true;
        }
        if (valid) {
            y.error(node, keyOf(name), "missing required key '" + name + "'");
        }
        return false;
    }

    Fields mapping(String name, List<String> allowed) {
        return y.mapping(value(name), present(name) ? keyNode(name) : node, keyOf(name), allowed);
    }

    List<Node> list(String name) {
        return y.list(value(name), keyOf(name));
    }

    Optional<Scalar> scalar(String name, String expectation) {
        return y.scalar(value(name), keyOf(name), expectation);
    }

    Optional<String> string(String name) {
        return y.string(value(name), keyOf(name));
    }

    String string(String name, String dflt) {
        return string(name).orElse(dflt);
    }

    int integer(String name, int min, int max, int dflt) {
        return y.integer(value(name), keyOf(name), min, max).orElse(dflt);
    }

    boolean bool(String name, boolean dflt) {
        return y.bool(value(name), keyOf(name)).orElse(dflt);
    }

    Optional<Duration> duration(String name) {
        return y.duration(value(name), keyOf(name));
    }

    Duration duration(String name, Duration dflt) {
        return duration(name).orElse(dflt);
    }

    long size(String name, long min, long max, long dflt) {
        return y.size(value(name), keyOf(name), min, max).orElse(dflt);
    }
}
