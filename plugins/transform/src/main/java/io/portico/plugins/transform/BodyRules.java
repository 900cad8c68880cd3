package io.portico.plugins.transform;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Edits of the top-level fields of a JSON object body.
 *
 * @param set    field → value written as JSON (a YAML scalar, list or mapping: string, number, boolean, null,
 *               list, map); replaces the field where it is, or is appended when absent. A top-level string
 *               value may contain {@code {param}} placeholders
 * @param remove fields removed (every occurrence)
 */
public record BodyRules(Map<String, Object> set, List<String> remove) {

    /** Checks value types (and that no field is both set and removed); keeps the configured order. */
    public BodyRules {
        set = set == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(set));
        remove = List.copyOf(remove == null ? List.of() : remove);
        for (var e : set.entrySet()) {
            checkValue("set." + e.getKey(), e.getValue());
            if (remove.contains(e.getKey())) {
                throw new IllegalArgumentException("remove: '" + e.getKey() + "' is also in set; keep it in one of them");
            }
        }
    }

    /** Whether there is nothing to do. */
    boolean isEmpty() {
        return set.isEmpty() && remove.isEmpty();
    }

    private static void checkValue(String key, Object value) {
        switch (value) {
            case null -> { }
            case String s -> { }
            case Boolean b -> { }
            case Integer n -> { }
            case Long n -> { }
            case Short n -> { }
            case BigInteger n -> { }
            case BigDecimal n -> { }
            case Double d when Double.isFinite(d) -> { }
            case Float f when Float.isFinite(f) -> { }
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    checkValue(key + "[" + i + "]", list.get(i));
                }
            }
            case Map<?, ?> map -> {
                for (var e : map.entrySet()) {
                    if (!(e.getKey() instanceof String name)) {
                        throw new IllegalArgumentException(key + ": object keys must be strings, got " + e.getKey());
                    }
                    checkValue(key + "." + name, e.getValue());
                }
            }
            default -> throw new IllegalArgumentException(key + ": cannot be written as JSON ("
                    + value.getClass().getSimpleName() + "); quote it to make it a string");
        }
    }
}
