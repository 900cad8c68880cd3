package io.portico.core.server;

import io.portico.core.route.PercentCodec;


/**
 * Finds one parameter in a raw query string without parsing the rest: names and values are
 * percent-decoded as UTF-8 with {@code +} as space, like the router's query predicates; {@code a} and
 * {@code a=} give {@code ""}; the first occurrence wins. A {@code %} not followed by two hex digits is kept.
 * Allocates only for the value returned and for names that contain {@code %} or {@code +}. Stateless.
 */
final class RawQuery {

    private RawQuery() {
    }

    /**
     * @param rawQuery the query without {@code ?}, still encoded; may be null
     * @param name     the decoded parameter name
     * @return the first decoded value of {@code name}, or null when absent
     */
    static String first(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        int len = rawQuery.length();
        int start = 0;
        while (start < len) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            int eq = rawQuery.indexOf('=', start);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            if (nameEnd > start && nameEquals(rawQuery, start, nameEnd, name)) {
                return nameEnd == end ? "" : decode(rawQuery, nameEnd + 1, end);
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean nameEquals(String s, int from, int to, String name) {
        if (plain(s, from, to)) {
            return to - from == name.length() && s.regionMatches(from, name, 0, name.length());
        }
        return decode(s, from, to).equals(name);
    }

    private static boolean plain(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+') {
                return false;
            }
        }
        return true;
    }

    private static String decode(String s, int from, int to) {
        return PercentCodec.decode(s, from, to, true); // the router's query decoding, so both agree
    }
}
