package io.portico.core.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route's {@code match:} predicates; all that are present must hold.
 *
 * @param path    path pattern: exact {@code /a/b}, parameters {@code /a/{id}}, trailing {@code /**}
 * @param methods upper-case method names; empty means any method
 * @param host    host name to match (case-insensitive, port ignored); a leading {@code *.} matches any
 *                subdomain; empty means any host
 * @param headers header name (lower-case) to required value; the value {@code "*"} means present
 * @param query   query parameter name to required value; the value {@code "*"} means present
 */
public record MatchConfig(String path,
                          Set<String> methods,
                          Optional<String> host,
                          Map<String, String> headers,
                          Map<String, String> query) {
    public MatchConfig {
        methods = Set.copyOf(methods);
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
    }
}
