package io.portico.api;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller, set by an {@link Phase#AUTHENTICATE} filter and read by later filters (the {@code acl}
 * filter checks {@link #scopes} and {@link #groups}; {@code rate-limit} keys on {@link #id}).
 *
 * @param id     the consumer id (config {@code consumers[].id}, or the token's subject)
 * @param groups the groups it belongs to (config {@code consumers[].groups}, or the token's groups claim), in
 *               the order given
 * @param scopes what it was granted (config {@code consumers[].scopes}, or the token's {@code scope}/{@code scp}
 *               claim), in the order given
 * @param claims claims of its credential (JWT claims; empty for an API key), values as parsed JSON
 *               (String, Number, Boolean, List, Map)
 */
public record Consumer(String id, Set<String> groups, Set<String> scopes, Map<String, Object> claims) {
    public Consumer {
        Objects.requireNonNull(id, "id");
        groups = orderedCopy(groups, "group");
        scopes = orderedCopy(scopes, "scope");
        claims = Map.copyOf(claims);
    }

    /** A consumer without scopes. */
    public Consumer(String id, Set<String> groups, Map<String, Object> claims) {
        this(id, groups, Set.of(), claims);
    }

    /** An unmodifiable copy keeping the given order (shown in that order to scripts and logs). */
    private static Set<String> orderedCopy(Set<String> values, String what) {
        LinkedHashSet<String> copy = new LinkedHashSet<>();
        for (String v : values) {
            copy.add(Objects.requireNonNull(v, what));
        }
        return Collections.unmodifiableSet(copy);
    }
}
