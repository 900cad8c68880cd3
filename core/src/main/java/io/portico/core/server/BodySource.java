package io.portico.core.server;

import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;
import io.portico.core.upstream.ClientBodyException;

import io.portico.api.BodyTooLargeException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A client request body on its way upstream: the first {@link Forwarder#PREFETCH} bytes, read before the
 * upstream is contacted, then the rest, streamed.
 *
 * <p>Reading from the client happens here only, and every failure (malformed chunking, the size limit,
 * a vanished client) becomes a {@link ClientBodyException}, so the caller can tell it from an upstream
 * failure. Used by one request thread; not thread-safe.
 */
final class BodySource {
    private final InputStream in;
    private final byte[] head;
    private final int headLength;
    private final long contentLength;
    private boolean eof;

    private BodySource(InputStream in, byte[] head, int headLength, long contentLength, boolean eof) {
        this.in = in;
        this.head = head;
        this.headLength = headLength;
        this.contentLength = contentLength;
        this.eof = eof;
    }

    /**
     * Reads up to {@link Forwarder#PREFETCH} bytes of the body, or returns null when the request has none.
     *
     * @throws ClientBodyException when the body is malformed or over the limit
     */
    static BodySource prefetch(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return null;
        }
        long cl = req.headers().contentLength().orElse(-1L);
        InputStream in = req.content().inputStream();
        byte[] buf = new byte[(int) Math.min(Forwarder.PREFETCH, cl >= 0 ? Math.max(cl, 1) : Forwarder.PREFETCH)];
        int n = 0;
        boolean eof = false;
        while (n < buf.length) {
            int r = read(in, buf, n, buf.length - n);
            if (r < 0) {
                eof = true;
                break;
            }
            n += r;
        }
        if (!eof && cl >= 0 && n == cl) {
            eof = true;
        }
        return new BodySource(in, buf, n, cl, eof);
    }

    /** The declared {@code Content-Length}, or -1 for a chunked body. */
    long contentLength() {
        return contentLength;
    }

    /** Whether the whole body has been read from the client. */
    boolean fullyRead() {
        return eof;
    }

    /**
     * Reads the whole body into memory (for a filter that asked for it): the prefetched bytes, then the rest.
     *
     * @throws BodyTooLargeException when it has more than {@code limit} bytes (or Helidon's own limit,
     *                               {@code server.max-body-size}, stopped it)
     * @throws ClientBodyException   when it is malformed or the client went away
     */
    byte[] readAll(long limit) {
        if (contentLength > limit) {
            throw new BodyTooLargeException(limit);
        }
        if (eof) {
            if (headLength > limit) {
                throw new BodyTooLargeException(limit);
            }
            return Arrays.copyOf(head, headLength);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(contentLength > 0 ? (int) contentLength : 2 * head.length);
        out.write(head, 0, headLength);
        long total = headLength;
        byte[] buf = new byte[Forwarder.PREFETCH];
        int r;
        try {
            while ((r = read(in, buf, 0, buf.length)) >= 0) {
                total += r;
                if (total > limit) {
                    throw new BodyTooLargeException(limit);
                }
                out.write(buf, 0, r);
            }
        } catch (ClientBodyException e) {
            if (e.status() == 413) {
                throw new BodyTooLargeException(limit);
            }
            throw e;
        }
        eof = true;
        return out.toByteArray();
    }

    /** Writes the prefetched bytes, then streams the rest. */
    void writeTo(OutputStream out) throws IOException {
        out.write(head, 0, headLength);
        if (eof) {
            return;
        }
        byte[] buf = headLength == head.length ? head : new byte[Forwarder.PREFETCH];
        int r;
        while ((r = read(in, buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, r);
        }
        eof = true;
    }

    private static int read(InputStream in, byte[] buf, int off, int len) {
        try {
            return in.read(buf, off, len);
        } catch (RequestException e) {
            int status = e.status().code() == 413 ? 413 : 400;
            throw new ClientBodyException(status, status == 413 ? "The request body is too large."
                    : "The request body is malformed.", e);
        } catch (IOException | UncheckedIOException e) {
            throw new ClientBodyException(400, "The request body could not be read.", e);
        } catch (RuntimeException e) {
            // Helidon 4.5 surfaces some chunk-size syntax errors as NumberFormatException and friends.
            throw new ClientBodyException(400, "The request body is malformed.", e);
        }
    }
}
