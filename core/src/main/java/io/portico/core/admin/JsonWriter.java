package io.portico.core.admin;

import java.util.Collection;
import java.util.Map;

/**
 * A small streaming JSON writer for the admin API's documents: objects, arrays, strings, numbers, booleans
 * and null, with commas placed automatically. {@link #value(Object)} also writes {@link Map}s (keys as
 * strings), {@link Collection}s, and any other object as its {@code toString()}. Not thread-safe; one
 * document per instance.
 */
final class JsonWriter {
    private final StringBuilder sb = new StringBuilder(512);
    private boolean comma;

    JsonWriter beginObject() {
        separate();
        sb.append('{');
        comma = false;
        return this;
    }

    JsonWriter endObject() {
        sb.append('}');
        comma = true;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        sb.append('[');
        comma = false;
        return this;
    }

    JsonWriter endArray() {
        sb.append(']');
        comma = true;
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    JsonWriter name(String name) {
        separate();
        quote(name);
        sb.append(':');
        comma = false;
        return this;
    }

    /** {@code name} and {@code value} (see {@link #value(Object)}). */
    JsonWriter field(String name, Object value) {
        return name(name).value(value);
    }

    /** Writes a value: null, String, Number, Boolean, Map, Collection, array of Object, else {@code toString()}. */
    JsonWriter value(Object v) {
        if (v instanceof Map<?, ?> m) {
            beginObject();
            m.forEach((k, x) -> field(String.valueOf(k), x));
            return endObject();
        }
        if (v instanceof Collection<?> c) {
            beginArray();
            c.forEach(this::value);
            return endArray();
        }
        if (v instanceof Object[] a) {
            beginArray();
            for (Object x : a) {
                value(x);
            }
            return endArray();
        }
        separate();
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte) {
            sb.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
            } else {
                quote(n.toString());
            }
        } else {
            quote(v.toString());
        }
        comma = true;
        return this;
    }

    private void separate() {
        if (comma) {
            sb.append(',');
        }
    }

    private void quote(String s) {
        io.portico.core.telemetry.Json.string(sb, s);
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
