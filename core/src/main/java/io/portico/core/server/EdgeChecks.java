package io.portico.core.server;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;

/**
 * Request checks Helidon does not make but RFC 9110/9112 or the edge limits require. Stateless after
 * construction; thread-safe.
 *
 * <ul>
 *   <li>more header fields than {@code server.max-headers} → 431;</li>
 *   <li>an empty header name → 400;</li>
 *   <li>a header name that becomes {@code Content-Length} or {@code Transfer-Encoding} when {@code _} is read
 *       as {@code -} (e.g. {@code Transfer_Encoding}) → 400. Not framing for HTTP, but CGI/WSGI-style
 *       upstreams make that mapping; forwarded, such a header would give the upstream a second framing
 *       header on a reused connection (request smuggling towards the upstream). Legitimate clients never
 *       send these names (nginx drops them by default);</li>
 *   <li>a header value with bytes outside ASCII → 400 (Helidon decodes them to U+FFFD, so they could not
 *       be forwarded faithfully; rejecting is honest, rewriting would not be).</li>
 * </ul>
 * Framing (Content-Length with Transfer-Encoding, duplicate or invalid Content-Length, unknown transfer
 * codings, obs-fold, whitespace before the colon, CR/LF/NUL in values) is already rejected by Helidon's
 * parser with the connection closed; see {@code docs/security.md}.
 */
final class EdgeChecks {
    private final int maxHeaders;

    EdgeChecks(int maxHeaders) {
        this.maxHeaders = maxHeaders;
    }

    /** The problem to answer (the connection is then closed), or null when the request passes. */
    Problem check(ServerRequest req) {
        int fields = 0;
        for (Header h : req.headers()) {
            String name = h.name();
            if (name.isEmpty()) {
                return Problem.badRequest("A header field has an empty name.");
            }
            if (isFramingLookalike(name)) {
                return Problem.badRequest("A header field name mimics a framing header with '_' for '-'.");
            }
            fields += h.valueCount();
            for (String v : h.allValues()) {
                if (!isAscii(v)) {
                    return Problem.badRequest("Header '" + h.name() + "' has a value that is not ASCII.");
                }
            }
        }
        if (fields > maxHeaders) {
            return Problem.headersTooLarge("The request has " + fields + " header fields; the limit is "
                    + maxHeaders + ".");
        }
        return null;
    }

    /** {@code content_length} / {@code transfer_encoding} in any case, with at least one '_' for a '-'. */
    static boolean isFramingLookalike(String name) {
        int len = name.length();
        if ((len != 14 && len != 17) || name.indexOf('_') < 0) {
            return false;
        }
        String dashed = name.replace('_', '-');
        return dashed.equalsIgnoreCase("content-length") || dashed.equalsIgnoreCase("transfer-encoding");
    }

    private static boolean isAscii(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) >= 0x7F) {
                return false;
            }
        }
        return true;
    }
}
