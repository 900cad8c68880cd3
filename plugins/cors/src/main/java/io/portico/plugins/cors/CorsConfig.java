package io.portico.plugins.cors;

import io.portico.api.ConfigDefault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Configuration of the {@code cors} filter. The compact constructor validates and normalizes every list.
 *
 * @param origins       the allowed origins, {@code scheme://host[:port]} (compared case-insensitively, default
 *                      ports ignored), or {@code *} for any; required, at least one
 * @param methods       the allowed methods; default {@code GET, HEAD, POST, PUT, PATCH, DELETE}; stored upper-case
 * @param headers       the allowed request headers; default (empty, or {@code *}): whatever the preflight's
 *                      {@code Access-Control-Request-Headers} asks for
 * @param exposeHeaders the response headers scripts may read ({@code Access-Control-Expose-Headers}); default none
 * @param credentials   whether cookies and {@code Authorization} may be sent ({@code Access-Control-Allow-Credentials});
 *                      default false. With {@code *} the request's origin is reflected, as the Fetch standard
 *                      forbids {@code *} with credentials
 * @param maxAge        how long browsers may cache a preflight ({@code Access-Control-Max-Age}, whole seconds);
 *                      default: not sent (browsers use 5 s)
 */
public record CorsConfig(List<String> origins, List<String> methods, List<String> headers,
                         List<String> exposeHeaders, @ConfigDefault("false") boolean credentials,
                         Optional<Duration> maxAge) {

    static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    /** @throws IllegalArgumentException naming the key (and index) of an invalid value */
    public CorsConfig {
        origins = normalizeOrigins(origins == null ? List.of() : origins);
        methods = methods == null || methods.isEmpty() ? DEFAULT_METHODS
                : tokens("methods", methods).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        headers = headers == null ? List.of() : headers.equals(List.of("*")) ? List.of() : tokens("headers", headers);
        exposeHeaders = exposeHeaders == null ? List.of() : tokens("expose-headers", exposeHeaders);
        maxAge = maxAge == null ? Optional.empty() : maxAge;
        if (maxAge.isPresent() && maxAge.get().isNegative()) {
            throw new IllegalArgumentException("max-age: must not be negative, got " + maxAge.get());
        }
    }

    /** Whether {@code *} is among the origins. */
    boolean anyOrigin() {
        return origins.contains("*");
    }

    private static List<String> normalizeOrigins(List<String> origins) {
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("origins: give at least one origin, like https://app.example.com, or \"*\"");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < origins.size(); i++) {
            String o = origins.get(i);
            if ("*".equals(o == null ? null : o.strip())) {
                out.add("*");
                continue;
            }
            final int index = i;
            out.add(Origins.canonical(o == null ? "" : o).orElseThrow(() -> new IllegalArgumentException("origins["
                    + index + "]: expected scheme://host[:port] without a path, like https://app.example.com, or \"*\"; got '"
                    + o + "'")));
        }
        return List.copyOf(out);
    }

    private static List<String> tokens(String key, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isEmpty() || !v.chars().allMatch(CorsConfig::isTokenChar)) {
                throw new IllegalArgumentException(key + "[" + i + "]: expected a name like X-Api-Key, got '" + v + "'");
            }
        }
        return List.copyOf(values);
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
