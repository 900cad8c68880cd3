package io.portico.core.server;

import io.portico.core.http.HttpSyntax;

import java.util.Locale;

/**
 * A byte-level check of HTTP/1.1 request body framing (RFC 9112 §6, §7.1), run on every byte a client
 * connection delivers, before Helidon's parser sees it.
 *
 * <p>Why: Helidon 4.5's chunked decoder is lenient where RFC 9112 is strict: it accepts a sign in the
 * chunk size ({@code +5}) and does not check the CRLF after chunk data. Portico re-frames bodies it sends
 * upstream, so this cannot desynchronize an upstream, but a lenient front parser behind another proxy is a
 * classic smuggling ingredient, so the gateway rejects such bytes like a strict parser would.
 *
 * <p>It follows message boundaries itself: a request head ends at the first CRLF CRLF; its
 * {@code Transfer-Encoding} (final coding {@code chunked}) or {@code Content-Length} decides the body;
 * chunk-size lines must be {@code 1*HEXDIG} optionally followed by {@code ;} extensions, the data must be
 * followed by exactly CRLF, and the trailer section must end with CRLF CRLF. Head syntax itself is left to
 * Helidon (except the method token: a tab there makes Helidon 4.5 answer 500), which closes the
 * connection on any error, so the two never disagree on a connection that
 * stays open. {@link #inspect(byte[], int)} returns how many bytes are valid; the caller delivers those
 * and fails the read after them. One connection, one thread.
 */
final class FramingGuard {
    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILER }

    private static final int MAX_HEAD = 1 << 20;
    private static final int MAX_CHUNK_LINE = 4096;

    private State state = State.HEAD;
    private final StringBuilder line = new StringBuilder(128);
    private final StringBuilder head = new StringBuilder(512);
    private long remaining;
    private boolean sawCr;
    private boolean inMethod = true; // reading the method token of a request line
    private int methodLength;
    private String violation;

    /** Whether the bytes expected next belong to a request body (not to a request head). */
    boolean inBody() {
        return state != State.HEAD;
    }

    /** What was wrong, once {@link #inspect} found a violation; null otherwise. */
    String violation() {
        return violation;
    }

    /**
     * Inspects the next {@code len} bytes of the connection.
     *
     * @return {@code len} when all are acceptable, otherwise the offset of the first offending byte
     */
    int inspect(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            switch (state) {
                case HEAD -> {
                    int r = head(b, i, len);
                    if (r < 0) {
                        return -r - 1;
                    }
                    i = r;
                }
                case FIXED -> {
                    int n = (int) Math.min(remaining, len - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEAD;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, len - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_CR;
                    }
                }
                case CHUNK_CR -> {
                    if (b[i] != '\r') {
                        return fail(i, "chunk data not followed by CRLF");
                    }
                    state = State.CHUNK_LF;
                    i++;
                }
                case CHUNK_LF -> {
                    if (b[i] != '\n') {
                        return fail(i, "chunk data not followed by CRLF");
                    }
                    state = State.CHUNK_SIZE;
                    i++;
                }
                case CHUNK_SIZE, TRAILER -> {
                    int r = chunkLine(b, i, len);
                    if (r < 0) {
                        return fail(-r - 1, violation);
                    }
                    i = r;
                }
            }
        }
        return len;
    }

    private int fail(int at, String why) {
        violation = why;
        return at;
    }

    /**
     * Collects head bytes up to CRLF CRLF, then decides the body framing; returns the next index, or
     * {@code -(offset + 1)} of an offending byte.
     */
    private int head(byte[] b, int i, int len) {
        while (i < len) {
            char c = (char) (b[i] & 0xFF);
            if (inMethod) {
                if (c == ' ' && methodLength > 0) {
                    inMethod = false;
                } else if (methodLength > 0 || (c != '\r' && c != '\n')) { // leading empty lines are allowed
                    if (!HttpSyntax.isTokenChar(c)) {
                        violation = "invalid request method";
                        return -(i + 1);
                    }
                    methodLength++;
                }
            }
            i++;
            if (head.length() < MAX_HEAD) {
                head.append(c);
            }
            int n = head.length();
            if (c == '\n' && n >= 4 && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                    && head.charAt(n - 4) == '\r') {
                startBody();
                head.setLength(0);
                inMethod = true;
                methodLength = 0;
                return i;
            }
            if (c == '\n' && n == 2 && head.charAt(0) == '\r') {
                head.setLength(0); // a leading empty line before a request (RFC 9112 §2.2 allows ignoring it)
            }
        }
        return i;
    }

    private void startBody() {
        String contentLength = null;
        String transferEncoding = null;
        int start = head.indexOf("\r\n") + 2;
        while (start > 1 && start < head.length()) {
            int end = head.indexOf("\r\n", start);
            if (end <= start) {
                break;
            }
            int colon = head.indexOf(":", start);
            if (colon > start && colon < end) {
                String name = head.substring(start, colon).toLowerCase(Locale.ROOT);
                String value = head.substring(colon + 1, end).trim();
                if (name.equals("transfer-encoding")) {
                    transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
                } else if (name.equals("content-length")) {
                    contentLength = value;
                }
            }
            start = end + 2;
        }
        if (transferEncoding != null) {
            String last = transferEncoding.substring(transferEncoding.lastIndexOf(',') + 1).trim();
            state = last.equalsIgnoreCase("chunked") ? State.CHUNK_SIZE : State.HEAD;
            line.setLength(0);
            return;
        }
        long n = parseLength(contentLength);
        if (n > 0) {
            remaining = n;
            state = State.FIXED;
        } else {
            state = State.HEAD;
        }
    }

    /**
     * Consumes a chunk-size line (or a trailer line); returns the next index, or {@code -(offset + 1)} of
     * an offending byte.
     */
    private int chunkLine(byte[] b, int i, int len) {
        while (i < len) {
            byte c = b[i];
            if (sawCr) {
                if (c != '\n') {
                    violation = "bare CR in chunk framing";
                    return -(i + 1);
                }
                sawCr = false;
                i++;
                return endOfLine(i);
            }
            if (c == '\r') {
                sawCr = true;
                i++;
                continue;
            }
            if (c == '\n') {
                violation = "chunk framing line not terminated by CRLF";
                return -(i + 1);
            }
            if (line.length() >= MAX_CHUNK_LINE) {
                violation = "chunk framing line too long";
                return -(i + 1);
            }
            line.append((char) (c & 0xFF));
            i++;
        }
        return i;
    }

    private int endOfLine(int next) {
        String l = line.toString();
        line.setLength(0);
        if (state == State.TRAILER) {
            if (l.isEmpty()) {
                state = State.HEAD;
            }
            return next;
        }
        long size = chunkSize(l);
        if (size < 0) {
            violation = "invalid chunk size";
            return -next; // the line ended at next - 1; fail at its last byte
        }
        if (size == 0) {
            state = State.TRAILER;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return next;
    }

    /** {@code 1*HEXDIG [ ";" ext ]}, at most 15 digits; -1 when invalid. */
    static long chunkSize(String l) {
        int semi = l.indexOf(';');
        int end = semi < 0 ? l.length() : semi;
        // BWS is allowed only before an extension
        int digitsEnd = end;
        while (semi >= 0 && digitsEnd > 0 && (l.charAt(digitsEnd - 1) == ' ' || l.charAt(digitsEnd - 1) == '\t')) {
            digitsEnd--;
        }
        if (digitsEnd == 0 || digitsEnd > 15) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < digitsEnd; i++) {
            int d = Character.digit(l.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            n = (n << 4) | d;
        }
        for (int i = end; i < l.length(); i++) {
            char c = l.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return -1;
            }
        }
        return n;
    }


    private static long parseLength(String v) {
        if (v == null || v.isEmpty() || v.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char d = v.charAt(i);
            if (d < '0' || d > '9') {
                return -1; // Helidon rejects the request; nothing to follow
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }
}
