package io.portico.core.upstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request line and header fields of one upstream request, written to the wire exactly as given: no
 * header is added, reordered, re-encoded or normalized by the client.
 *
 * <p>Callers must pass only validated text (a request target without CR, LF, SP; header names that are
 * tokens; values without CR, LF or NUL). Built and used by one thread.
 */
public final class RequestHead {
    private final String method;
    private final String target;
    private final List<String> fields = new ArrayList<>(32); // name, value, name, value, ...

    /**
     * @param method the request method token
     * @param target the request target ({@code /path?query}), already encoded
     */
    public RequestHead(String method, String target) {
        this.method = method;
        this.target = target;
    }

    /** Appends a header field (repeated names are sent as separate lines, in order). */
    public RequestHead add(String name, String value) {
        fields.add(name);
        fields.add(value);
        return this;
    }

    /** Number of header fields. */
    public int size() {
        return fields.size() / 2;
    }

    /** The name of field {@code i}, as added. */
    public String name(int i) {
        return fields.get(2 * i);
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return fields.get(2 * i + 1);
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    /** The value of the first field called {@code name} (case-insensitive), or null. */
    public String first(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    /** Whether the method is idempotent per RFC 9110 §9.2.2 (so a failed attempt may be repeated). */
    public boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    /**
     * The head as HTTP/1.1 bytes, with {@code basePath} prefixed to the target and the body's framing
     * field added: {@code Content-Length} for {@code bodyLength >= 0}, {@code Transfer-Encoding: chunked}
     * for -1, nothing for -2 (no body).
     */
    byte[] encode(String basePath, long bodyLength) {
        StringBuilder sb = new StringBuilder(256 + fields.size() * 24);
        sb.append(method).append(' ').append(basePath).append(target).append(" HTTP/1.1\r\n");
        for (int i = 0; i < fields.size(); i += 2) {
            sb.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
        }
        if (bodyLength >= 0) {
            sb.append("Content-Length: ").append(bodyLength).append("\r\n");
        } else if (bodyLength == -1) {
            sb.append("Transfer-Encoding: chunked\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
