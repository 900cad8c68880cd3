package io.portico.core.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled route path pattern.
 *
 * <h2>Syntax</h2>
 * A pattern starts with {@code /} and is a sequence of segments:
 * <ul>
 *   <li>a literal segment, e.g. {@code orders}; matched case-sensitively against the normalized,
 *       still-encoded path segment. Its escapes are normalized like a request path
 *       (see {@link PathNormalizer}), so {@code caf%c3%a9} and {@code %61pi} are fine;</li>
 *   <li>a parameter {@code {name}} spanning the whole segment; {@code name} is a letter or {@code _}
 *       followed by letters, digits, {@code _} or {@code -}, unique within the pattern. It matches
 *       exactly one non-empty segment and captures it raw (still percent-encoded);</li>
 *   <li>a final {@code **}: matches the rest of the path, zero or more segments. {@code /api/**}
 *       matches {@code /api}, {@code /api/}, {@code /api/x/y} but not {@code /apix}; {@code /**}
 *       matches every path.</li>
 * </ul>
 * The root pattern {@code /} matches only {@code /}. A trailing slash is significant: {@code /a/}
 * matches {@code /a/} and not {@code /a}, and {@code /a/{id}} does not match {@code /a/x/}.
 * Rejected with {@link IllegalArgumentException}: empty segments ({@code //}), {@code .} and
 * {@code ..} segments, {@code **} anywhere but last, a partial-segment parameter ({@code a{id}}),
 * and any other {@code *}, <code>{</code> or <code>}</code> in a segment.
 *
 * <h2>Matching</h2>
 * The path must be normalized ({@link PathNormalizer}); it is split on {@code /} only, so an encoded
 * slash {@code %2F} is part of a segment. A miss never allocates; a hit allocates only the captured
 * values (see {@link #match}). No regular expressions. Instances are immutable and thread-safe.
 *
 * <h2>Specificity</h2>
 * {@link #SPECIFICITY} orders more specific patterns first: by {@link Kind} ({@code EXACT} before
 * {@code PARAMETERIZED} before {@code CATCH_ALL}), then more literal segments first, then more
 * segments first (the longer pattern). Equal patterns compare equal, so a stable sort keeps
 * declaration order for ties.
 */
public final class PathPattern {

    /** The specificity class of a pattern. */
    public enum Kind {
        /** Only literal segments. */
        EXACT,
        /** At least one {@code {param}} and no trailing {@code **}. */
        PARAMETERIZED,
        /** Ends with {@code **} (parameters allowed before it). */
        CATCH_ALL
    }

    /** Most specific first; see the class documentation. Consistent with nothing but specificity. */
    public static final Comparator<PathPattern> SPECIFICITY = Comparator
            .comparing(PathPattern::kind)
            .thenComparing(Comparator.comparingInt(PathPattern::literalSegments).reversed())
            .thenComparing(Comparator.comparingInt(PathPattern::segmentCount).reversed());

    private final String pattern;
    /** Literal per fixed segment; {@code null} where the segment is a parameter. */
    private final String[] literals;
    private final String[] paramNames;
    private final boolean catchAll;
    private final Kind kind;
    private final int literalCount;

    private PathPattern(String pattern, String[] literals, String[] paramNames, boolean catchAll) {
        this.pattern = pattern;
        this.literals = literals;
        this.paramNames = paramNames;
        this.catchAll = catchAll;
        this.kind = catchAll ? Kind.CATCH_ALL : paramNames.length > 0 ? Kind.PARAMETERIZED : Kind.EXACT;
        this.literalCount = literals.length - paramNames.length;
    }

    /**
     * Compiles a pattern.
     *
     * @param pattern the pattern as configured, e.g. {@code /api/orders/{id}} or {@code /api/**}
     * @return the compiled pattern
     * @throws IllegalArgumentException if the pattern is not valid (see the class documentation)
     */
    public static PathPattern compile(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            throw invalid(pattern, "must start with '/'");
        }
        boolean catchAll = pattern.endsWith("/**");
        String body = catchAll ? pattern.substring(0, pattern.length() - 3) : pattern;
        if (catchAll && body.endsWith("/")) {
            throw invalid(pattern, "empty segment");
        }
        String[] segments = body.isEmpty() ? new String[0] : body.substring(1).split("/", -1);
        String[] literals = new String[segments.length];
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.isEmpty()) {
                if (i != segments.length - 1) {
                    throw invalid(pattern, "empty segment");
                }
                literals[i] = ""; // root "/" or a trailing slash
            } else if (seg.startsWith("{") && seg.endsWith("}") && seg.length() > 2) {
                String name = seg.substring(1, seg.length() - 1);
                if (!isValidName(name)) {
                    throw invalid(pattern, "invalid parameter name '" + name + "'");
                }
                if (!seen.add(name)) {
                    throw invalid(pattern, "duplicate parameter '" + name + "'");
                }
                names.add(name);
            } else if (seg.equals("**")) {
                throw invalid(pattern, "'**' is only allowed as the last segment");
            } else if (seg.indexOf('{') >= 0 || seg.indexOf('}') >= 0 || seg.indexOf('*') >= 0) {
                throw invalid(pattern, "'{', '}' and '*' are only allowed in '{name}' and a final '/**'");
            } else {
                literals[i] = normalizeLiteral(pattern, seg);
            }
        }
        return new PathPattern(pattern, literals, names.toArray(String[]::new), catchAll);
    }

    private static String normalizeLiteral(String pattern, String seg) {
        String normalized;
        try {
            normalized = PathNormalizer.normalize("/" + seg);
        } catch (BadPathException e) {
            throw invalid(pattern, e.getMessage());
        }
        if (normalized.length() == 1) {
            throw invalid(pattern, "dot segment");
        }
        return normalized.substring(1);
    }

    private static boolean isValidName(String name) {
        char first = name.charAt(0);
        if (!(Character.isLetter(first) && first < 0x80) && first != '_') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(String pattern, String why) {
        return new IllegalArgumentException("invalid path pattern '" + pattern + "': " + why);
    }

    /**
     * Tests the pattern against a normalized path. Never allocates.
     *
     * @param path a normalized path ({@link PathNormalizer#normalize})
     * @return true if it matches
     */
    public boolean matches(String path) {
        return walk(path, null);
    }

    /**
     * Matches and captures.
     *
     * @param path a normalized path ({@link PathNormalizer#normalize})
     * @return the captured parameters ({@link PathParams#EMPTY} for a pattern without any), or
     *         {@code null} on a miss; a miss never allocates
     */
    public PathParams match(String path) {
        if (!walk(path, null)) {
            return null;
        }
        return capture(path);
    }

    /** Captures the parameters of a path already known to match. */
    PathParams capture(String path) {
        if (paramNames.length == 0) {
            return PathParams.EMPTY;
        }
        String[] values = new String[paramNames.length];
        walk(path, values);
        return new PathParams(paramNames, values);
    }

    /** One pass over the path; stores parameter values into {@code captures} when it is non-null. */
    private boolean walk(String path, String[] captures) {
        int len = path.length();
        int pos = 1; // start of the current path segment; len + 1 once the path is used up
        int param = 0;
        for (String literal : literals) {
            if (pos > len) {
                return false;
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = len;
            }
            if (literal != null) {
                int n = literal.length();
                if (end - pos != n || !path.regionMatches(pos, literal, 0, n)) {
                    return false;
                }
            } else {
                if (end == pos) {
                    return false;
                }
                if (captures != null) {
                    captures[param] = path.substring(pos, end);
                }
                param++;
            }
            pos = end + 1;
        }
        return catchAll || pos == len + 1;
    }

    /**
     * {@return the pattern as configured}
     */
    public String pattern() {
        return pattern;
    }

    /**
     * {@return the specificity class}
     */
    public Kind kind() {
        return kind;
    }

    /**
     * {@return parameter names in order of appearance}
     */
    public List<String> paramNames() {
        return List.of(paramNames);
    }

    /**
     * {@return number of literal segments (the root {@code /} and a trailing slash count as one)}
     */
    public int literalSegments() {
        return literalCount;
    }

    /**
     * {@return number of segments before any trailing {@code **}}
     */
    public int segmentCount() {
        return literals.length;
    }

    /**
     * @return the first segment if it is a literal ({@code ""} for the root pattern), else {@code null}
     *         (a parameter or {@code /**})
     */
    String firstLiteral() {
        return literals.length == 0 ? null : literals[0];
    }

    /**
     * @param o another object
     * @return true if it is a pattern with the same text
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern other && pattern.equals(other.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
