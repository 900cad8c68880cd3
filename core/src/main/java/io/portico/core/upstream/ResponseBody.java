package io.portico.core.upstream;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of an upstream response, de-framed (fixed length, chunked or until close), read straight from
 * the connection. {@link #complete()} tells whether it was read to its end, which decides whether the
 * connection can be reused. Chunk syntax is checked strictly (hex size, CRLF after the data, bounded
 * trailer section); a violation is an {@link UpstreamProtocolException}. One reader thread.
 */
final class ResponseBody extends InputStream {
    private static final long MAX_CHUNK = 1L << 40;

    private final UpstreamConnection c;
    private final ResponseHead.Framing framing;
    private long remaining;     // FIXED: bytes left; CHUNKED: bytes left in the current chunk
    private boolean done;

    ResponseBody(UpstreamConnection c, ResponseHead head) {
        this.c = c;
        this.framing = head.framing();
        this.remaining = head.framing() == ResponseHead.Framing.FIXED ? head.contentLength() : 0;
        this.done = head.framing() == ResponseHead.Framing.NONE;
    }

    boolean complete() {
        return done;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int r = read(one, 0, 1);
        return r < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        return switch (framing) {
            case FIXED -> readFixed(b, off, len);
            case CHUNKED -> readChunked(b, off, len);
            case UNTIL_CLOSE -> readUntilClose(b, off, len);
            case NONE -> -1;
        };
    }

    private int readFixed(byte[] b, int off, int len) throws IOException {
        int r = c.read(b, off, (int) Math.min(len, remaining));
        if (r < 0) {
            throw new UpstreamProtocolException("connection closed before the end of the body");
        }
        remaining -= r;
        if (remaining == 0) {
            done = true;
        }
        return r;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            remaining = nextChunkSize();
            if (remaining == 0) {
                skipTrailers();
                done = true;
                return -1;
            }
        }
        int r = c.read(b, off, (int) Math.min(len, remaining));
        if (r < 0) {
            throw new UpstreamProtocolException("connection closed inside a chunk");
        }
        remaining -= r;
        if (remaining == 0) {
            String crlf = c.readLine(0);
            if (crlf == null || !crlf.isEmpty()) {
                throw new UpstreamProtocolException("chunk data not followed by CRLF");
            }
        }
        return r;
    }

    private long nextChunkSize() throws IOException {
        String line = c.readLine(4096);
        if (line == null) {
            throw new UpstreamProtocolException("connection closed before a chunk");
        }
        int end = line.indexOf(';');
        String hex = end < 0 ? line : line.substring(0, end);
        // BWS before an extension is tolerated; the size itself must be bare hex digits
        int stop = hex.length();
        while (stop > 0 && (hex.charAt(stop - 1) == ' ' || hex.charAt(stop - 1) == '\t') && end >= 0) {
            stop--;
        }
        if (stop == 0) {
            throw new UpstreamProtocolException("missing chunk size");
        }
        long size = 0;
        for (int i = 0; i < stop; i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new UpstreamProtocolException("invalid chunk size");
            }
            size = size * 16 + d;
            if (size > MAX_CHUNK) {
                throw new UpstreamProtocolException("chunk too large");
            }
        }
        return size;
    }

    private void skipTrailers() throws IOException {
        int bytes = 0;
        String t;
        while (!(t = c.readLine(16 * 1024)).isEmpty()) {
            bytes += t.length();
            if (bytes > 64 * 1024) {
                throw new UpstreamProtocolException("trailer section too large");
            }
        }
    }

    private int readUntilClose(byte[] b, int off, int len) throws IOException {
        int r = c.read(b, off, len);
        if (r < 0) {
            done = true;
        }
        return r;
    }
}
