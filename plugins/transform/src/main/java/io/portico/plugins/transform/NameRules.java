package io.portico.plugins.transform;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Edits of named fields (headers or query parameters), applied in the order remove, rename, set, add.
 * Values may contain {@code {param}} placeholders (see {@link Template}).
 *
 * @param add    name → value added, keeping existing values
 * @param set    name → value replacing every existing value
 * @param remove names whose values are all removed
 * @param rename old name → new name: the old name's values replace the new name's; nothing when absent
 */
public record NameRules(Map<String, String> add, Map<String, String> set, List<String> remove,
                        Map<String, String> rename) {

    /** Copies keeping the configured order; rejects null or empty names and null values. */
    public NameRules {
        add = ordered("add", add);
        set = ordered("set", set);
        rename = ordered("rename", rename);
        remove = List.copyOf(remove == null ? List.of() : remove);
        for (int i = 0; i < remove.size(); i++) {
            if (remove.get(i).isEmpty()) {
                throw new IllegalArgumentException("remove[" + i + "]: a name must not be empty");
            }
        }
    }

    /** Whether there is nothing to do. */
    boolean isEmpty() {
        return add.isEmpty() && set.isEmpty() && remove.isEmpty() && rename.isEmpty();
    }

    /**
     * Checks the names as HTTP header names and the values as header values (visible ASCII, space, tab).
     *
     * @param prefix the key path for messages, e.g. {@code request.headers}
     */
    void checkHeaders(String prefix) {
        remove.forEach(n -> checkToken(prefix + ".remove", n));
        for (var e : rename.entrySet()) {
            checkToken(prefix + ".rename", e.getKey());
            checkToken(prefix + ".rename." + e.getKey(), e.getValue());
        }
        for (var rules : List.of(Map.entry("add", add), Map.entry("set", set))) {
            for (var e : rules.getValue().entrySet()) {
                String key = prefix + "." + rules.getKey() + "." + e.getKey();
                checkToken(prefix + "." + rules.getKey(), e.getKey());
                if (!e.getValue().chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7F))) {
                    throw new IllegalArgumentException(key + ": a header value may hold visible ASCII, space and tab only");
                }
            }
        }
    }

    private static void checkToken(String key, String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0)) {
            throw new IllegalArgumentException(key + ": '" + name + "' is not a valid header name");
        }
    }

    private static Map<String, String> ordered(String key, Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        for (var e : map.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException(key + ": a name must not be empty");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(key + "." + e.getKey() + ": a value is required");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
