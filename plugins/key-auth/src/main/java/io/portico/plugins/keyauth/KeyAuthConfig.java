package io.portico.plugins.keyauth;

import io.portico.api.ConfigDefault;
import java.util.Optional;

/**
 * Configuration of the {@code key-auth} filter. The keys themselves are not here: they are the
 * {@code consumers[].api-keys} of the configuration ({@code sha256:<hex>}).
 *
 * @param header  the request header carrying the key
 * @param query   a query parameter carrying the key, read only when the header is absent; empty: never read
 * @param forward whether the key (header and query parameter) is sent upstream; by default both are removed
 */
public record KeyAuthConfig(
        @ConfigDefault("X-Api-Key") String header,
        Optional<String> query,
        @ConfigDefault("false") boolean forward) {

    /** @throws IllegalArgumentException starting with the offending key */
    public KeyAuthConfig {
        query = query == null ? Optional.empty() : query;
        if (header == null || header.isEmpty() || !header.chars().allMatch(KeyAuthConfig::tchar)) {
            throw new IllegalArgumentException("header: expected a header name of letters, digits and "
                    + "!#$%&'*+-.^_`|~, got '" + header + "'");
        }
        query.ifPresent(q -> {
            if (q.isBlank()) {
                throw new IllegalArgumentException("query: must not be blank (leave it out to read the header only)");
            }
        });
    }

    /** RFC 9110 token characters. */
    private static boolean tchar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
