package io.portico.core.route;

/**
 * Normalizes the raw request path before routing. The result is what routes are matched against and,
 * after an optional strip-prefix, what is forwarded upstream. This is a security contract: the path a
 * route sees and the path the upstream receives are the same string.
 *
 * <h2>Policy</h2>
 * Input is the raw path of the request-target exactly as sent, without the query.
 * <ol>
 *   <li><b>Rejected</b> (throws {@link BadPathException}, the server answers 400):
 *     <ul>
 *       <li>a path that is empty or does not start with {@code /};</li>
 *       <li>any control character or space (below {@code 0x21}) and DEL ({@code 0x7F});</li>
 *       <li>any non-ASCII character (a path must be percent-encoded);</li>
 *       <li>a raw backslash {@code \}, a raw {@code #}, and a raw {@code ?} (the query must already
 *           have been split off, so a {@code ?} here means a confused caller);</li>
 *       <li>a malformed escape: {@code %} not followed by two hex digits;</li>
 *       <li>an encoded NUL, {@code %00};</li>
 *       <li>a {@code ..} segment that would climb above the root (it is not clamped), e.g. {@code /..}
 *           or {@code /a/../..}.</li>
 *     </ul></li>
 *   <li><b>Escapes</b> (RFC 3986 §6.2.2): an escape of an unreserved character (ALPHA, DIGIT,
 *       {@code - . _ ~}) is decoded ({@code %41} → {@code A}, {@code %7e} → {@code ~}); every other
 *       escape stays encoded with upper-case hex digits ({@code %2f} → {@code %2F}). Nothing else is
 *       ever decoded, so {@code %25} stays {@code %25} and there is no double decoding.</li>
 *   <li><b>Encoded slash and backslash</b>: {@code %2F} and {@code %5C} stay opaque. They are never
 *       decoded and never split a segment: {@code /a%2Fb} is one segment {@code a%2Fb}, is matched as
 *       such, and is forwarded as {@code %2F}.</li>
 *   <li><b>Slashes</b>: runs of {@code /} are merged into one ({@code //a///b} → {@code /a/b}), like
 *       nginx {@code merge_slashes}. A trailing slash is kept: {@code /a/} stays {@code /a/}.</li>
 *   <li><b>Dot segments</b>: {@code .} and {@code ..} segments are removed as in RFC 3986 §5.2.4
 *       {@code remove_dot_segments}, <em>after</em> the unreserved decoding, so {@code %2e%2e} is a
 *       {@code ..} segment. A removed final dot segment leaves a trailing slash ({@code /a/b/..} →
 *       {@code /a/}). {@code ...} is an ordinary segment.</li>
 *   <li><b>Hidden dot segments are rejected</b>: a {@code .} or {@code ..} that is delimited inside a
 *       segment by {@code %2F}, {@code %5C} or a {@code ;} parameter ({@code /a/..%2Fadmin},
 *       {@code /a/%5C..}, {@code /a/..;/admin}, {@code /a/.;x}) is answered 400, because upstreams that
 *       decode encoded slashes or strip matrix parameters would resolve it (a known gateway bypass).</li>
 *   <li>Everything else is kept byte for byte, including {@code %20}, {@code +}, {@code ;}, {@code :},
 *       {@code @}, {@code !}, {@code $}, {@code &}, {@code '}, {@code (}, {@code )}, {@code *},
 *       {@code ,} and {@code =}.</li>
 * </ol>
 * Examples: {@code /p%2Fq/a%20b} → unchanged; {@code /a/./b/../c} → {@code /a/c};
 * {@code /%61pi//x} → {@code /api/x}; {@code /a/%2e%2e/b} → {@code /b}; {@code /..}, {@code /a%00},
 * {@code /a%2}, {@code /a/..%2Fadmin}, {@code /a/..;/admin} → rejected.
 *
 * <h2>Performance and threading</h2>
 * Stateless and thread-safe. A path that is already normalized is recognised in one scan and returned
 * as the <em>same</em> String instance, with no allocation. Otherwise one {@code char[]} of the input's
 * length and the result String are allocated. Normalization is idempotent.
 */
public final class PathNormalizer {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathNormalizer() {
    }

    /**
     * Normalizes a raw request path according to the class policy.
     *
     * @param rawPath the raw path as sent, without the query
     * @return the normalized path, still percent-encoded; {@code rawPath} itself when nothing changes
     * @throws BadPathException if the path is rejected (answer 400); also for {@code null}
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new BadPathException("path must start with '/'");
        }
        String normalized = isNormalized(rawPath) ? rawPath : rewrite(rawPath);
        rejectHiddenDotSegments(normalized);
        return normalized;
    }

    /**
     * Rejects a {@code .} or {@code ..} hidden inside a segment behind an encoded slash or backslash or
     * before a {@code ;} parameter ({@code ..%2F}, {@code %5C..}, {@code ..;x}). The gateway keeps such
     * segments opaque, but upstreams that decode {@code %2F} or strip {@code ;} parameters (Tomcat,
     * Jetty) would resolve them, so the path the upstream acts on would differ from the one routed.
     * One scan, no allocation.
     */
    private static void rejectHiddenDotSegments(String p) {
        int len = p.length();
        int pieceStart = 1;
        boolean inParams = false;
        boolean hidden = false; // the current segment has an encoded separator or a ';'
        for (int i = 1; i <= len; i++) {
            char c = i < len ? p.charAt(i) : '/';
            boolean encodedSeparator = c == '%' && i + 2 < len && p.charAt(i + 1) == '2' && p.charAt(i + 2) == 'F'
                    || c == '%' && i + 2 < len && p.charAt(i + 1) == '5' && p.charAt(i + 2) == 'C';
            if (c == '/' || encodedSeparator || (c == ';' && !inParams)) {
                boolean dots = !inParams && isDotSegment(p, pieceStart, i);
                if (dots && (hidden || c != '/')) {
                    throw new BadPathException("ambiguous dot segment in path");
                }
                if (c == '/') {
                    hidden = false;
                    inParams = false;
                    pieceStart = i + 1;
                } else if (c == ';') {
                    hidden = true;
                    inParams = true;
                } else {
                    hidden = true;
                    inParams = false;
                    i += 2;
                    pieceStart = i + 1;
                }
            }
        }
    }

    /**
     * One scan without allocation: true only if the path is valid and already normalized. Any doubt
     * (including every rejection case) answers false and leaves the verdict to {@link #rewrite}.
     */
    private static boolean isNormalized(String p) {
        int len = p.length();
        int segStart = 1;
        for (int i = 1; i < len; i++) {
            char c = p.charAt(i);
            if (c == '/') {
                if (i == segStart || isDotSegment(p, segStart, i)) {
                    return false;
                }
                segStart = i + 1;
            } else if (c == '%') {
                if (i + 2 >= len) {
                    return false;
                }
                int h1 = upperHexValue(p.charAt(i + 1));
                int h2 = upperHexValue(p.charAt(i + 2));
                if (h1 < 0 || h2 < 0) {
                    return false;
                }
                int v = (h1 << 4) | h2;
                if (v == 0 || isUnreserved(v)) {
                    return false;
                }
                i += 2;
            } else if (!isAllowedLiteral(c)) {
                return false;
            }
        }
        return !isDotSegment(p, segStart, len);
    }

    /** The authoritative slow path: validates everything and builds the normalized form. */
    private static String rewrite(String p) {
        int len = p.length();
        char[] out = new char[len]; // the output is never longer than the input
        int o = 0;
        int i = 0; // always at a '/' at the top of the loop
        while (i < len) {
            while (i < len && p.charAt(i) == '/') {
                i++;
            }
            int segOut = o;
            out[o++] = '/';
            while (i < len) {
                char c = p.charAt(i);
                if (c == '/') {
                    break;
                }
                if (c == '%') {
                    if (i + 2 >= len) {
                        throw malformed();
                    }
                    int h1 = PercentCodec.hexValue(p.charAt(i + 1));
                    int h2 = PercentCodec.hexValue(p.charAt(i + 2));
                    if (h1 < 0 || h2 < 0) {
                        throw malformed();
                    }
                    int v = (h1 << 4) | h2;
                    if (v == 0) {
                        throw new BadPathException("encoded NUL in path");
                    }
                    if (isUnreserved(v)) {
                        out[o++] = (char) v;
                    } else {
                        out[o++] = '%';
                        out[o++] = HEX[h1];
                        out[o++] = HEX[h2];
                    }
                    i += 3;
                } else if (isAllowedLiteral(c)) {
                    out[o++] = c;
                    i++;
                } else {
                    throw new BadPathException("invalid character in path");
                }
            }
            int segLen = o - segOut - 1;
            if (segLen == 0) {
                break; // only reachable at the end: a trailing slash, already written
            }
            boolean last = i >= len;
            if (segLen == 1 && out[segOut + 1] == '.') {
                o = segOut;
            } else if (segLen == 2 && out[segOut + 1] == '.' && out[segOut + 2] == '.') {
                if (segOut == 0) {
                    throw new BadPathException("path escapes the root");
                }
                int prev = segOut - 1;
                while (out[prev] != '/') {
                    prev--; // output holds only kept segments; every '/' in it is a separator
                }
                o = prev;
            } else {
                continue;
            }
            if (last) {
                out[o++] = '/';
            }
        }
        return new String(out, 0, o);
    }

    private static BadPathException malformed() {
        return new BadPathException("malformed percent-encoding in path");
    }

    private static boolean isDotSegment(String p, int from, int to) {
        int n = to - from;
        return (n == 1 && p.charAt(from) == '.')
                || (n == 2 && p.charAt(from) == '.' && p.charAt(from + 1) == '.');
    }

    /** A character allowed to appear unencoded (besides '/' and '%', handled separately). */
    private static boolean isAllowedLiteral(char c) {
        return c > 0x20 && c < 0x7F && c != '\\' && c != '#' && c != '?' && c != '%';
    }

    /** Hex value of 0-9 / A-F only; lower-case digits need rewriting, so they count as "not canonical". */
    private static int upperHexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
