package io.portico.core.script;

import java.util.Map;
import java.util.Objects;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * {@code ctx.config}: a read-only JS view of the filter's {@code config:} map. Nested maps and lists are
 * wrapped on access (no copy, no JSON); strings, numbers and booleans pass as they are, anything else as its
 * {@code toString()}. Writes and deletes throw a JS {@code TypeError}. Immutable if the map is; safe to share
 * across threads and contexts when the map is not changed. Also the read-only view of other maps scripts
 * see ({@code req.params}, {@code ctx.route}, consumer claims, Java-set attribute values).
 */
public final class JsConfig implements ProxyObject {
    private final Map<String, ?> map;
    private final String label;

    public JsConfig(Map<String, ?> map) {
        this(map, "ctx.config");
    }

    /** @param label what scripts call the map, for error messages */
    JsConfig(Map<String, ?> map, String label) {
        this.map = Objects.requireNonNull(map, "map");
        this.label = Objects.requireNonNull(label, "label");
    }

    @Override
    public Object getMember(String key) {
        return JsValues.wrap(map.get(key), label);
    }

    @Override
    public Object getMemberKeys() {
        return new JsValues.ReadOnlyArray(map.keySet().toArray(), label);
    }

    @Override
    public boolean hasMember(String key) {
        return map.containsKey(key);
    }

    @Override
    public void putMember(String key, Value value) {
        throw JsErrors.typeError(label + " is read-only");
    }

    @Override
    public boolean removeMember(String key) {
        throw JsErrors.typeError(label + " is read-only");
    }
}
