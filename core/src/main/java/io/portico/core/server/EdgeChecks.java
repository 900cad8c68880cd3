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
            if (h.name().isEmpty()) {
                return Problem.badRequest("A header field has an empty name.");
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

    private static boolean isAscii(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) >= 0x7F) {
                return false;
            }
        }
        return true;
    }
}
