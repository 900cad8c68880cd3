package io.portico.core.config;

import java.util.List;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A scalar value after {@code ${VAR}} substitution, with where it came from.
 *
 * @param text the value to convert
 * @param node the YAML node (for its line)
 * @param key  dotted path of the value, e.g. {@code server.port}
 * @param vars environment variables the value was built from; empty for a literal
 */
record Scalar(String text, ScalarNode node, String key, List<String> vars) {

    /**
     * The value as it may appear in a message: quoted literal text, or {@code (value from ${VAR})} when it
     * was substituted, so that secrets read from the environment are never echoed.
     */
    String shown() {
        if (vars.isEmpty()) {
            return "'" + text + "'";
        }
        return "(value from " + vars.stream().map(v -> "${" + v + "}").collect(Collectors.joining(", ")) + ")";
    }
}
