package io.portico.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller, set by an {@link Phase#AUTHENTICATE} filter.
 *
 * @param id     the consumer id (config {@code consumers[].id}, or the token's subject)
 * @param groups the groups it belongs to
 * @param claims claims of its credential (JWT claims; empty for an API key), values as parsed JSON
 *               (String, Number, Boolean, List, Map)
 */
public record Consumer(String id, Set<String> groups, Map<String, Object> claims) {
    public Consumer {
        Objects.requireNonNull(id, "id");
        groups = orderedCopy(groups);
        claims = Map.copyOf(claims);
    }

    /** An unmodifiable copy keeping the given order (groups are shown in that order to scripts and logs). */
    private static Set<String> orderedCopy(Set<String> groups) {
        java.util.LinkedHashSet<String> copy = new java.util.LinkedHashSet<>();
        for (String g : groups) {
            copy.add(Objects.requireNonNull(g, "group"));
        }
        return java.util.Collections.unmodifiableSet(copy);
    }
}
