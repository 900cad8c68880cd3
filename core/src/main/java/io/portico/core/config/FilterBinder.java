package io.portico.core.config;

import io.portico.api.ByteSize;
import io.portico.api.ConfigDefault;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Binds a filter entry's YAML to its type's config record, once, when the configuration is loaded.
 *
 * <p>YAML keys are the record components' names in kebab-case ({@code maxAge} → {@code max-age}); unknown
 * keys are errors. Supported component types are listed in the {@code io.portico.api} package
 * documentation. An absent key takes its {@link ConfigDefault} (parsed as YAML), else an empty collection or
 * {@code Optional}, else it is a "missing required key" error. After the components are converted the
 * record's canonical constructor runs; an exception from it (the record's own validation) becomes an error
 * on the entry carrying the exception's message. Every problem is recorded through {@link YamlNodes} with
 * the file, line and dotted key; nothing is thrown. Not thread-safe (one per load).
 */
final class FilterBinder {
    private static final Node NO_CONTAINER = new org.yaml.snakeyaml.nodes.ScalarNode(
            org.yaml.snakeyaml.nodes.Tag.STR, "", null, null, org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN);

    private final YamlNodes y;
    private final OptionValues values;

    FilterBinder(YamlNodes y) {
        this.y = y;
        this.values = new OptionValues(y);
    }

    /**
     * Binds the mapping {@code entry} (whose keys in {@code reserved} belong to the gateway) to {@code type}.
     *
     * @return the record, or null when anything was wrong (recorded)
     */
    Record bind(Class<? extends Record> type, Node entry, String key, List<String> reserved) {
        return record(type, entry, key, reserved);
    }

    private Record record(Class<?> type, Node node, String key, List<String> reserved) {
        RecordComponent[] components = type.getRecordComponents();
        List<String> allowed = new ArrayList<>(reserved);
        for (RecordComponent c : components) {
            allowed.add(kebab(c.getName()));
        }
        int before = y.errors().size();
        Fields f = y.mapping(node, node, key, allowed);
        if (!f.valid()) {
            return null;
        }
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            String name = kebab(c.getName());
            String childKey = YamlNodes.child(key, name);
            if (f.has(name)) {
                args[i] = value(c.getGenericType(), f.value(name), childKey);
            } else {
                args[i] = absent(c, f.node(), childKey);
            }
        }
        if (y.errors().size() > before) {
            return null;
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return (Record) ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String msg = cause.getMessage() == null || cause.getMessage().isBlank()
                    ? "rejected by the filter type (" + cause.getClass().getSimpleName() + ")"
                    : cause.getMessage();
            y.error(node, key, msg);
        } catch (ReflectiveOperationException | RuntimeException e) {
            y.error(node, key, "the filter type's config record " + type.getSimpleName()
                    + " cannot be constructed (" + e.getClass().getSimpleName() + "); this is a bug in the plugin");
        }
        return null;
    }

    private Object absent(RecordComponent c, Node entry, String key) {
        ConfigDefault d = c.getAnnotation(ConfigDefault.class);
        if (d != null) {
            if (d.value().isEmpty() && c.getType() == String.class) {
                return "";
            }
            YamlNodes scratch = new YamlNodes(y.file(), n -> null);
            Node parsed = YamlComposer.compose(d.value(), scratch);
            if (parsed == null || scratch.hasErrors()) {
                y.error(entry, key, "the filter type's default '" + d.value() + "' is not valid YAML; this is a bug in the plugin");
                return null;
            }
            int before = y.errors().size();
            Object v = value(c.getGenericType(), parsed, key);
            if (y.errors().size() > before) {
                return null;
            }
            return v;
        }
        Class<?> t = c.getType();
        if (t == List.class) {
            return List.of();
        }
        if (t == Set.class) {
            return Set.of();
        }
        if (t == Map.class) {
            return Map.of();
        }
        if (t == Optional.class) {
            return Optional.empty();
        }
        y.error(entry, key, "missing required key");
        return null;
    }

    private Object value(Type type, Node node, String key) {
        if (YamlNodes.isNull(node)) {
            y.error(node, key, "expected a value, got nothing");
            return null;
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class || raw == Set.class) {
                // a lone scalar stands for a list of one (`audience: orders` = `audience: [ orders ]`)
                List<Node> items = node instanceof org.yaml.snakeyaml.nodes.ScalarNode ? List.of(node) : y.list(node, key);
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    Object v = value(args[0], items.get(i), key + "[" + i + "]");
                    if (v != null) {
                        out.add(v);
                    }
                }
                return raw == List.class ? Collections.unmodifiableList(out)
                        : Collections.unmodifiableSet(new LinkedHashSet<>(out));
            }
            if (raw == Map.class) {
                if (args[0] != String.class) {
                    y.error(node, key, "the filter type declares a map with non-text keys; this is a bug in the plugin");
                    return null;
                }
                Fields f = y.mapping(node, node, key, null);
                Map<String, Object> out = new LinkedHashMap<>();
                for (String name : f.names()) {
                    Object v = value(args[1], f.value(name), f.keyOf(name));
                    if (v != null) {
                        out.put(name, v);
                    }
                }
                return Collections.unmodifiableMap(out);
            }
            if (raw == Optional.class) {
                return Optional.ofNullable(value(args[0], node, key));
            }
            y.error(node, key, "the filter type uses an unsupported config type " + raw.getSimpleName()
                    + "; this is a bug in the plugin");
            return null;
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            return y.string(node, key).orElse(null);
        }
        if (c == int.class || c == Integer.class) {
            return y.integer(node, key, Integer.MIN_VALUE, Integer.MAX_VALUE).orElse(null);
        }
        if (c == long.class || c == Long.class) {
            return y.scalar(node, key, "an integer").flatMap(s -> {
                try {
                    return Optional.of(Long.parseLong(s.text().strip()));
                } catch (NumberFormatException e) {
                    y.invalid(s, "an integer");
                    return Optional.empty();
                }
            }).orElse(null);
        }
        if (c == double.class || c == Double.class) {
            return y.scalar(node, key, "a number").flatMap(s -> {
                try {
                    double d = Double.parseDouble(s.text().strip());
                    if (Double.isFinite(d)) {
                        return Optional.of(d);
                    }
                } catch (NumberFormatException e) {
                    // below
                }
                y.invalid(s, "a number");
                return Optional.empty();
            }).orElse(null);
        }
        if (c == boolean.class || c == Boolean.class) {
            return y.bool(node, key).orElse(null);
        }
        if (c == Duration.class) {
            return y.duration(node, key).orElse(null);
        }
        if (c == ByteSize.class) {
            return y.size(node, key, 0, Long.MAX_VALUE).map(ByteSize::new).orElse(null);
        }
        if (c.isEnum()) {
            return enumValue(c, node, key);
        }
        if (c.isRecord()) {
            return record(c, node, key, List.of());
        }
        if (c == Object.class) {
            // free-form (String, Long, Double, Boolean, List, Map); self-inclusion through the entry itself was
            // already reported when the entry's options were read
            return values.convert(node, key, NO_CONTAINER);
        }
        y.error(node, key, "the filter type uses an unsupported config type " + c.getSimpleName()
                + "; this is a bug in the plugin");
        return null;
    }

    private Object enumValue(Class<?> c, Node node, String key) {
        Object[] constants = c.getEnumConstants();
        List<String> names = new ArrayList<>();
        for (Object k : constants) {
            names.add(((Enum<?>) k).name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        String expected = "one of " + String.join(", ", names);
        return y.scalar(node, key, expected).flatMap(s -> {
            int i = names.indexOf(s.text().strip());
            if (i < 0) {
                y.invalid(s, expected);
                return Optional.empty();
            }
            return Optional.of(constants[i]);
        }).orElse(null);
    }

    /** {@code maxAge} → {@code max-age}; {@code allowIPv6} → {@code allow-i-pv6} is avoided by plugins. */
    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    sb.append('-');
                }
                sb.append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
