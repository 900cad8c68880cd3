package io.portico.plugins.acl;

import io.portico.api.Consumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules of one {@code acl} entry, checked against a consumer. Immutable, thread-safe.
 */
final class AclRules {
    private final List<String> scopes;
    private final List<String> groups;
    private final Map<String, String> claims;

    AclRules(AclConfig config) {
        this.scopes = config.scopes();
        this.groups = config.groups();
        this.claims = config.claims();
    }

    /**
     * What {@code consumer} lacks, one entry per failed rule (for the log, never for the client); empty when it is
     * allowed: it has every scope in {@code scopes}, one of the {@code groups} (when any are configured), and every
     * {@code claims} entry matches ({@link ClaimMatch}).
     */
    List<String> violations(Consumer consumer) {
        List<String> out = new ArrayList<>();
        List<String> missingScopes = scopes.stream().filter(s -> !consumer.scopes().contains(s)).toList();
        if (!missingScopes.isEmpty()) {
            out.add("missing scopes " + missingScopes);
        }
        if (!groups.isEmpty() && groups.stream().noneMatch(consumer.groups()::contains)) {
            out.add("in none of the groups " + groups);
        }
        claims.forEach((name, value) -> {
            if (!ClaimMatch.matches(consumer.claims().get(name), value)) {
                out.add("claim '" + name + "' does not match");
            }
        });
        return out;
    }
}
