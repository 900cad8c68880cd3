package io.portico.plugins.requestid;

import io.portico.api.ConfigDefault;

/**
 * Configuration of the {@code request-id} filter.
 *
 * @param header the request header that carries the gateway's request id upstream (and, with {@code echo},
 *               the response header it is echoed in); an HTTP token, default {@code X-Request-Id}
 * @param echo   whether to set the header on the response too, default true
 */
public record RequestIdConfig(@ConfigDefault("X-Request-Id") String header, @ConfigDefault("true") boolean echo) {

    /** @throws IllegalArgumentException when {@code header} is not a valid header name */
    public RequestIdConfig {
        if (header == null || header.isEmpty() || !header.chars().allMatch(RequestIdConfig::isTokenChar)) {
            throw new IllegalArgumentException("header: expected a header name like X-Request-Id, got '" + header + "'");
        }
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
