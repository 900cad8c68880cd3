package io.portico.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks route path patterns: {@code /} followed by segments that are literals, {@code {name}} parameters
 * (unique names), or, as the last segment only, {@code **}. Stateless.
 */
final class PathPatterns {
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** RFC 3986 pchar, with percent-escapes checked separately. */
    private static final Pattern LITERAL = Pattern.compile("([A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+");

    /**
     * The outcome of a check.
     *
     * @param expected what a valid pattern would look like, for "expected X, got Y"; null when valid
     * @param literals the literal segments before the first parameter or {@code **}
     */
    record Checked(String expected, List<String> literals) {
        boolean valid() {
            return expected == null;
        }
    }

    private PathPatterns() {
    }

    static Checked check(String pattern) {
        if (!pattern.startsWith("/")) {
            return fail("a path pattern starting with '/'");
        }
        if (pattern.indexOf('?') >= 0 || pattern.indexOf('#') >= 0) {
            return fail("a path pattern without '?' or '#' (match query parameters with match.query)");
        }
        if (pattern.equals("/")) {
            return new Checked(null, List.of());
        }
        String[] segments = pattern.substring(1).split("/", -1);
        List<String> literals = new ArrayList<>();
        boolean literalPart = true;
        Set<String> params = new HashSet<>();
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            boolean last = i == segments.length - 1;
            if (seg.isEmpty()) {
                return fail("a path pattern without empty segments ('//' or a trailing '/')");
            }
            if (seg.equals(".") || seg.equals("..")) {
                return fail("a path pattern without '.' or '..' segments");
            }
            if (seg.equals("**")) {
                if (!last) {
                    return fail("'**' only as the last segment, like /api/**");
                }
                literalPart = false;
            } else if (seg.startsWith("{") && seg.endsWith("}")) {
                var m = PARAM.matcher(seg);
                if (!m.matches()) {
                    return fail("a parameter segment like {id} (letters, digits and '_', not starting"
                            + " with a digit) in segment '" + seg + "'");
                }
                if (!params.add(m.group(1))) {
                    return fail("each parameter name once, but {" + m.group(1) + "} is repeated");
                }
                literalPart = false;
            } else if (seg.indexOf('*') >= 0) {
                return fail("'*' only in a final '/**' segment");
            } else if (seg.indexOf('{') >= 0 || seg.indexOf('}') >= 0) {
                return fail("a parameter to fill a whole segment, like /items/{id}");
            } else if (!LITERAL.matcher(seg).matches()) {
                return fail("path characters (letters, digits, -._~!$&'()+,;=:@ or %XX escapes)"
                        + " in segment '" + seg + "'");
            } else if (literalPart) {
                literals.add(seg);
            }
        }
        return new Checked(null, List.copyOf(literals));
    }

    /** The parameter names of a valid pattern ({@code {name}} segments), in order. */
    static List<String> params(String pattern) {
        List<String> out = new ArrayList<>();
        for (String seg : pattern.split("/")) {
            var m = PARAM.matcher(seg);
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code prefix} is {@code /} + one or more leading literal segments, joined by {@code /}. */
    static boolean isLiteralPrefix(String prefix, List<String> literals) {
        if (!prefix.startsWith("/") || prefix.length() == 1) {
            return false;
        }
        String[] segs = prefix.substring(1).split("/", -1);
        if (segs.length > literals.size()) {
            return false;
        }
        for (int i = 0; i < segs.length; i++) {
            if (!segs[i].equals(literals.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Checked fail(String expected) {
        return new Checked(expected, List.of());
    }
}
