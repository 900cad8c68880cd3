package io.portico.core.route;

import java.util.HashMap;
import java.util.Map;

/**
 * A parsed query string for query predicates: names and values are percent-decoded (UTF-8) with
 * {@code +} as space; {@code a} and {@code a=} both give the empty value; for a repeated name the first
 * occurrence counts; malformed escapes are kept literally. Immutable once built.
 */
final class QueryParams {

    static final QueryParams EMPTY = new QueryParams(Map.of());

    private final Map<String, String> first;

    private QueryParams(Map<String, String> first) {
        this.first = first;
    }

    /**
     * @param rawQuery raw query without '?', may be null or empty
     * @return the parsed parameters
     */
    static QueryParams parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> map = new HashMap<>();
        int len = rawQuery.length();
        int start = 0;
        while (start <= len) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq >= end) {
                    name = PercentCodec.decode(rawQuery, start, end, true);
                    value = "";
                } else {
                    name = PercentCodec.decode(rawQuery, start, eq, true);
                    value = PercentCodec.decode(rawQuery, eq + 1, end, true);
                }
                map.putIfAbsent(name, value);
            }
            start = end + 1;
        }
        return new QueryParams(map);
    }

    /**
     * @param name decoded parameter name
     * @return the first decoded value ({@code ""} for a name without value), or null if absent
     */
    String first(String name) {
        return first.get(name);
    }
}
