package io.portico.plugins.jwtauth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a verified token's payload into the {@link io.portico.api.Consumer}'s claims and groups. */
final class ClaimsMapper {
    /** Duplicate keys are refused: the claims a filter sees must be the ones java-jwt checked. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ClaimsMapper() {
    }

    /**
     * The payload's claims as parsed JSON (String, Number, Boolean, List, Map), in order; top-level nulls left out.
     *
     * @throws IllegalArgumentException when the payload is not a JSON object, or repeats a key
     */
    static Map<String, Object> claims(String base64UrlPayload) {
        try {
            byte[] json = Base64.getUrlDecoder().decode(base64UrlPayload);
            Map<?, ?> raw = JSON.readValue(new String(json, StandardCharsets.UTF_8), Map.class);
            Map<String, Object> claims = new LinkedHashMap<>();
            raw.forEach((k, v) -> {
                if (v != null) {
                    claims.put((String) k, v);
                }
            });
            return claims;
        } catch (Exception e) {
            throw new IllegalArgumentException("payload is not a JSON object", e);
        }
    }

    /** The values of {@code claim}: an array's strings, or a string split at whitespace when {@code split}. */
    static Set<String> values(Map<String, Object> claims, String claim, boolean split) {
        Set<String> out = new LinkedHashSet<>();
        Object v = claims.get(claim);
        if (v instanceof String s) {
            if (split) {
                for (String part : s.strip().split("\\s+")) {
                    if (!part.isEmpty()) {
                        out.add(part);
                    }
                }
            } else if (!s.isEmpty()) {
                out.add(s);
            }
        } else if (v instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * A header value for {@code value}: strings as they are, numbers and booleans as JSON text, arrays of those
     * joined with {@code ,}. Null for objects, or when the result has characters other than visible ASCII and space.
     */
    static String headerValue(Object value) {
        String text;
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            text = value.toString();
        } else if (value instanceof List<?> list && list.stream().allMatch(o -> o instanceof String || o instanceof Number || o instanceof Boolean)) {
            text = String.join(",", list.stream().map(Object::toString).toList());
        } else {
            return null;
        }
        return text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e) ? text : null;
    }
}
