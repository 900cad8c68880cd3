package io.portico.core.script;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * Conversions between JS values and the Java values of the plugin API, for the bindings. Java → JS never
 * hands out a raw Java collection: lists and maps are wrapped in read-only views. JS → Java copies into
 * plain, unmodifiable Java values. Methods taking or making {@link Value}s must run inside a binding call
 * (they use {@link Context#getCurrent()}).
 */
final class JsValues {
    /** How deep {@link #toJava} follows nested arrays and objects (also stops cycles). */
    static final int MAX_DEPTH = 32;
    /** The most items {@link #toJava} copies from one array or object. */
    static final int MAX_ITEMS = 10_000;

    /**
     * The UTF-8 bytes of a body a script built, refused (RangeError) over {@code limit}
     * ({@code server.max-body-size}) so a script cannot make the gateway hold or send an unbounded body.
     */
    static byte[] bodyBytes(String text, long limit, String what) {
        if (text.length() > limit) {
            throw JsErrors.rangeError(what + ": the body exceeds server.max-body-size (" + limit + " bytes)");
        }
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length > limit) {
            throw JsErrors.rangeError(what + ": the body exceeds server.max-body-size (" + limit + " bytes)");
        }
        return b;
    }

    private JsValues() {
    }

    /**
     * Java → JS, read-only: null, strings, booleans and numbers pass as they are, maps and lists (and sets)
     * are wrapped on access, anything else becomes its {@code toString()}.
     *
     * @param label what scripts call the value, for the "read-only" error message
     */
    @SuppressWarnings("unchecked")
    static Object wrap(Object v, String label) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
                || v instanceof Long || v instanceof Double || v instanceof Float || v instanceof Short
                || v instanceof Byte) {
            return v;
        }
        if (v instanceof Map<?, ?> m) {
            return new JsConfig((Map<String, ?>) m, label);
        }
        if (v instanceof List<?> l) {
            return new ReadOnlyList(l, label);
        }
        if (v instanceof Collection<?> c) {
            return new ReadOnlyList(List.copyOf(c), label);
        }
        return v.toString();
    }

    /**
     * JS → Java: string → String, integral number → Long, other number → Double, boolean → Boolean,
     * null/undefined → null, array → unmodifiable List, object → unmodifiable Map (insertion order), each
     * copied (null-valued object entries dropped). Throws a JS {@code TypeError} for functions, host
     * objects, nesting deeper than {@link #MAX_DEPTH} (cycles) and more than {@link #MAX_ITEMS} items in one
     * array or object.
     */
    static Object toJava(Value v, String what) {
        return toJava(v, what, 0);
    }

    private static Object toJava(Value v, String what, int depth) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            if (v.fitsInLong()) {
                return v.asLong();
            }
            return v.fitsInDouble() ? (Object) v.asDouble() : string(v);
        }
        if (v.canExecute() || v.isHostObject()) {
            throw JsErrors.typeError(what + ": functions and host objects cannot be stored");
        }
        if (depth >= MAX_DEPTH) {
            throw JsErrors.typeError(what + ": nested deeper than " + MAX_DEPTH + " levels (or cyclic)");
        }
        if (v.hasArrayElements()) {
            long n = v.getArraySize();
            if (n > MAX_ITEMS) {
                throw JsErrors.typeError(what + ": more than " + MAX_ITEMS + " items");
            }
            List<Object> list = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                list.add(toJava(v.getArrayElement(i), what, depth + 1));
            }
            return Collections.unmodifiableList(list);
        }
        if (v.hasMembers()) {
            Set<String> keys = v.getMemberKeys();
            if (keys.size() > MAX_ITEMS) {
                throw JsErrors.typeError(what + ": more than " + MAX_ITEMS + " items");
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (String k : keys) {
                Object item = toJava(v.getMember(k), what, depth + 1);
                if (item != null) {
                    map.put(k, item);
                }
            }
            return Collections.unmodifiableMap(map);
        }
        return string(v);
    }

    /**
     * A header or query value: a string, or a number or boolean as JS writes it; anything else throws a JS
     * {@code TypeError} naming {@code what}.
     */
    static String text(Value value, String what) {
        if (value == null || value.isNull()) {
            throw JsErrors.typeError(what + " must not be null or undefined");
        }
        if (value.isString()) {
            return value.asString();
        }
        if (value.isNumber() || value.isBoolean()) {
            return string(value);
        }
        throw JsErrors.typeError(what + " must be a string, number or boolean");
    }

    /** What JS {@code String(v)} makes of {@code v}. */
    static String string(Value v) {
        if (v.isString()) {
            return v.asString();
        }
        return global("String").execute(v).asString();
    }

    /** {@code JSON.parse(text)}; malformed text throws the JS {@code SyntaxError} into the script. */
    static Value parseJson(String text) {
        return global("JSON").invokeMember("parse", text);
    }

    /** {@code JSON.stringify(v)}, or null when JS gives {@code undefined} (functions, symbols). */
    static String stringify(Value v) {
        Value json = global("JSON").invokeMember("stringify", v);
        return json != null && json.isString() ? json.asString() : null;
    }

    /** {@code Promise.resolve(value)} of the current context. */
    static Value resolved(Object value) {
        return global("Promise").invokeMember("resolve", value);
    }

    /** JS {@code undefined}. */
    static Value undefined() {
        return global("undefined");
    }

    private static Value global(String name) {
        return Context.getCurrent().getBindings("js").getMember(name);
    }

    /** A read-only JS array over fixed items (member names); writes throw a JS {@code TypeError}. */
    record ReadOnlyArray(Object[] items, String label) implements ProxyArray {
        @Override
        public Object get(long index) {
            return index >= 0 && index < items.length ? items[(int) index] : null;
        }

        @Override
        public void set(long index, Value value) {
            throw JsErrors.typeError(label + " keys are read-only");
        }

        @Override
        public boolean remove(long index) {
            throw JsErrors.typeError(label + " keys are read-only");
        }

        @Override
        public long getSize() {
            return items.length;
        }
    }

    /** A read-only JS array view of a Java list, items wrapped by {@link #wrap}. */
    record ReadOnlyList(List<?> list, String label) implements ProxyArray {
        @Override
        public Object get(long index) {
            return index >= 0 && index < list.size() ? wrap(list.get((int) index), label) : null;
        }

        @Override
        public void set(long index, Value value) {
            throw JsErrors.typeError(label + " is read-only");
        }

        @Override
        public boolean remove(long index) {
            throw JsErrors.typeError(label + " is read-only");
        }

        @Override
        public long getSize() {
            return list.size();
        }
    }
}
