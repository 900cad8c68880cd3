package io.portico.core.upstream;

import io.portico.core.http.HttpSyntax;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed, validated upstream response head and the body framing it implies (RFC 9112 §6.3).
 *
 * <p>Parsing is strict, because whatever is accepted here is relayed to clients and decides where the
 * next response on a pooled connection begins: a status line of {@code HTTP/1.x SP 3DIGIT SP reason},
 * header names that are tokens, values without control characters (HTAB allowed), no obs-fold, no
 * conflicting {@code Content-Length} values, and bounded sizes. Anything else is an
 * {@link UpstreamProtocolException} (502) and the connection is discarded. Immutable once parsed.
 */
public final class ResponseHead {
    /** How the body that follows the head is delimited. */
    enum Framing { NONE, FIXED, CHUNKED, UNTIL_CLOSE }

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_FIELDS = 256;

    private final int status;
    private final String reason;
    private final List<String> fields; // name, value, ...
    private final Framing framing;
    private final long contentLength;
    private final boolean keepAlive;

    private ResponseHead(int status, String reason, List<String> fields, Framing framing, long contentLength,
                         boolean keepAlive) {
        this.status = status;
        this.reason = reason;
        this.fields = fields;
        this.framing = framing;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** Number of header fields. */
    public int size() {
        return fields.size() / 2;
    }

    public String name(int i) {
        return fields.get(2 * i);
    }

    public String value(int i) {
        return fields.get(2 * i + 1);
    }

    /** First value of a header (case-insensitive), or null. */
    public String first(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    /** The body length for fixed framing, 0 for none, -1 otherwise. */
    public long contentLength() {
        return contentLength;
    }

    Framing framing() {
        return framing;
    }

    /** Whether the connection may carry another request after this response's body. */
    boolean keepAlive() {
        return keepAlive;
    }

    /**
     * Reads the next final response head, skipping interim 1xx responses.
     *
     * @param headRequest the request was HEAD (no body follows whatever the headers say)
     * @return the head, or null when the connection was closed before any byte
     */
    static ResponseHead read(UpstreamConnection c, boolean headRequest) throws IOException {
        while (true) {
            String statusLine = c.readLine(MAX_LINE);
            if (statusLine == null) {
                return null;
            }
            ResponseHead head = parse(statusLine, c, headRequest);
            if (head.status >= 200) {
                return head;
            }
            if (head.status == 101) {
                throw new UpstreamProtocolException("unrequested protocol switch");
            }
            // 100, 102, 103: interim, the final response follows
        }
    }

    private static ResponseHead parse(String line, UpstreamConnection c, boolean headRequest) throws IOException {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new UpstreamProtocolException("malformed status line");
        }
        char minor = line.charAt(7);
        if (minor != '0' && minor != '1') {
            throw new UpstreamProtocolException("unsupported HTTP version");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char d = line.charAt(i);
            if (d < '0' || d > '9') {
                throw new UpstreamProtocolException("malformed status code");
            }
            status = status * 10 + (d - '0');
        }
        if (status < 100) {
            throw new UpstreamProtocolException("malformed status code");
        }
        String reason = line.length() > 13 ? line.substring(13) : "";
        for (int i = 0; i < reason.length(); i++) {
            char ch = reason.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
                throw new UpstreamProtocolException("control character in reason phrase");
            }
        }

        List<String> fields = new ArrayList<>(24);
        int bytes = 0;
        String contentLength = null;
        boolean conflictingLength = false;
        String transferEncoding = null;
        boolean close = minor == '0';
        String h;
        while (!(h = c.readLine(MAX_LINE)).isEmpty()) {
            bytes += h.length() + 2;
            if (bytes > MAX_HEADER_BYTES || fields.size() >= 2 * MAX_FIELDS) {
                throw new UpstreamProtocolException("response header section too large");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new UpstreamProtocolException(h.charAt(0) == ' ' || h.charAt(0) == '\t'
                        ? "obsolete line folding" : "header line without a name");
            }
            String name = h.substring(0, colon);
            for (int i = 0; i < name.length(); i++) {
                if (!HttpSyntax.isTokenChar(name.charAt(i))) {
                    throw new UpstreamProtocolException("invalid header name");
                }
            }
            String value = trimOws(h, colon + 1);
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                if ((ch < 0x20 && ch != '\t') || ch == 0x7F) {
                    throw new UpstreamProtocolException("control character in header value");
                }
            }
            fields.add(name);
            fields.add(value);
            switch (name.length()) {
                case 14 -> {
                    if (name.equalsIgnoreCase("Content-Length")) {
                        if (contentLength != null && !contentLength.equals(value)) {
                            conflictingLength = true;
                        }
                        contentLength = value;
                    }
                }
                case 17 -> {
                    if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
                    }
                }
                case 10 -> {
                    if (name.equalsIgnoreCase("Connection")) {
                        if (HttpSyntax.hasToken(value, "close")) {
                            close = true;
                        } else if (minor == '0' && HttpSyntax.hasToken(value, "keep-alive")) {
                            close = false;
                        }
                    }
                }
                default -> {
                }
            }
        }

        if (headRequest || status < 200 || status == 204 || status == 304) {
            return new ResponseHead(status, reason, fields, Framing.NONE, 0, !close);
        }
        if (transferEncoding != null) {
            // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; such a message must not be reused.
            boolean chunked = lastCoding(transferEncoding).equals("chunked");
            boolean reusable = !close && contentLength == null && chunked;
            return new ResponseHead(status, reason, fields, chunked ? Framing.CHUNKED : Framing.UNTIL_CLOSE, -1, reusable);
        }
        if (contentLength != null) {
            long n = conflictingLength ? -1 : parseLength(contentLength);
            if (n < 0) {
                throw new UpstreamProtocolException("invalid Content-Length");
            }
            return new ResponseHead(status, reason, fields, n == 0 ? Framing.NONE : Framing.FIXED, n, !close);
        }
        return new ResponseHead(status, reason, fields, Framing.UNTIL_CLOSE, -1, false);
    }

    private static long parseLength(String v) {
        // a list of identical values ("5, 5") is allowed by RFC 9110 §8.6
        String first = v;
        int comma = v.indexOf(',');
        if (comma >= 0) {
            first = v.substring(0, comma).trim();
            for (String part : v.split(",")) {
                if (!part.trim().equals(first)) {
                    return -1;
                }
            }
        }
        if (first.isEmpty() || first.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < first.length(); i++) {
            char d = first.charAt(i);
            if (d < '0' || d > '9') {
                return -1;
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }

    private static String lastCoding(String te) {
        int comma = te.lastIndexOf(',');
        return (comma < 0 ? te : te.substring(comma + 1)).trim().toLowerCase(Locale.ROOT);
    }

    private static String trimOws(String s, int from) {
        int start = from;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

}
