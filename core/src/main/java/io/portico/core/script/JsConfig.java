package io.portico.core.script;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * {@code ctx.config}: a read-only JS view of the filter's {@code config:} map. Nested maps and lists are
 * wrapped on access (no copy, no JSON); strings, numbers and booleans pass as they are, anything else as its
 * {@code toString()}. Writes throw into JS. Immutable if the map is; safe to share across threads and
 * contexts when the map is not changed.
 */
public final class JsConfig implements ProxyObject {
    private final Map<String, ?> map;

    public JsConfig(Map<String, ?> map) {
        this.map = Objects.requireNonNull(map, "map");
    }

    @Override
    public Object getMember(String key) {
        return wrap(map.get(key));
    }

    @Override
    public Object getMemberKeys() {
        return ProxyArray.fromArray(map.keySet().toArray());
    }

    @Override
    public boolean hasMember(String key) {
        return map.containsKey(key);
    }

    @Override
    public void putMember(String key, Value value) {
        throw new UnsupportedOperationException("ctx.config is read-only");
    }

    @Override
    public boolean removeMember(String key) {
        throw new UnsupportedOperationException("ctx.config is read-only");
    }

    @SuppressWarnings("unchecked")
    static Object wrap(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
                || v instanceof Long || v instanceof Double || v instanceof Float || v instanceof Short
                || v instanceof Byte) {
            return v;
        }
        if (v instanceof Map<?, ?> m) {
            return new JsConfig((Map<String, ?>) m);
        }
        if (v instanceof List<?> l) {
            return new ReadOnlyList(l);
        }
        return v.toString();
    }

    private record ReadOnlyList(List<?> list) implements ProxyArray {
        @Override
        public Object get(long index) {
            return index >= 0 && index < list.size() ? wrap(list.get((int) index)) : null;
        }

        @Override
        public void set(long index, Value value) {
            throw new UnsupportedOperationException("ctx.config is read-only");
        }

        @Override
        public long getSize() {
            return list.size();
        }
    }
}
