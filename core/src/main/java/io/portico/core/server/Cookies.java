package io.portico.core.server;

/**
 * Reads one cookie out of a {@code Cookie} header value ({@code a=1; b=2}, RFC 6265 §5.4). Lenient: pairs
 * without {@code =} are skipped, whitespace around names and values is ignored, and a value in double
 * quotes loses them. Names are case-sensitive. Stateless.
 */
final class Cookies {

    private Cookies() {
    }

    /**
     * @param header one {@code Cookie} header value
     * @param name   the cookie name
     * @return the value of the first cookie called {@code name}, or null
     */
    static String first(String header, String name) {
        int len = header.length();
        int start = 0;
        while (start < len) {
            int semi = header.indexOf(';', start);
            int end = semi < 0 ? len : semi;
            int eq = header.indexOf('=', start);
            if (eq >= 0 && eq < end) {
                int ns = skipSpace(header, start, eq);
                int ne = trimSpace(header, ns, eq);
                if (ne - ns == name.length() && header.regionMatches(ns, name, 0, name.length())) {
                    int vs = skipSpace(header, eq + 1, end);
                    int ve = trimSpace(header, vs, end);
                    if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
                        vs++;
                        ve--;
                    }
                    return header.substring(vs, ve);
                }
            }
            start = end + 1;
        }
        return null;
    }

    private static int skipSpace(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimSpace(String s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }
}
