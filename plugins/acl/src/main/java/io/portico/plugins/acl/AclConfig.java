package io.portico.plugins.acl;

import java.util.List;
import java.util.Map;

/**
 * Configuration of the {@code acl} filter. Every configured rule kind must hold (AND); at least one is required.
 *
 * @param scopes every one of these must be among the consumer's scopes
 * @param groups at least one of these must be among the consumer's groups
 * @param claims claim name → value: the consumer's claim must equal the value (compared as text; numbers by
 *               value), or, when the claim is an array, contain it
 */
public record AclConfig(List<String> scopes, List<String> groups, Map<String, String> claims) {

    /** @throws IllegalArgumentException starting with the offending key */
    public AclConfig {
        scopes = List.copyOf(scopes == null ? List.of() : scopes);
        groups = List.copyOf(groups == null ? List.of() : groups);
        claims = Map.copyOf(claims == null ? Map.of() : claims);
        if (scopes.isEmpty() && groups.isEmpty() && claims.isEmpty()) {
            throw new IllegalArgumentException("scopes, groups, claims: configure at least one rule");
        }
        notBlank("scopes", scopes);
        notBlank("groups", groups);
        claims.forEach((name, value) -> {
            if (name.isBlank()) {
                throw new IllegalArgumentException("claims: a claim name must not be blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("claims." + name + ": expected a value");
            }
        });
    }

    private static void notBlank(String key, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isBlank()) {
                throw new IllegalArgumentException(key + "[" + i + "]: must not be blank");
            }
        }
    }
}
