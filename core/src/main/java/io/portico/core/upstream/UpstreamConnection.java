package io.portico.core.upstream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection to a target, with its own read buffer.
 *
 * <p>Owned by one request at a time (taken from and returned to a {@link ConnectionPool}); not
 * thread-safe, except that {@link ReadDeadlines} may close it from its own thread when a read waits past
 * the limit set by {@link #readTimeout(Duration)}.
 */
final class UpstreamConnection {
    private static final int BUFFER = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private int uses;
    private long idleSince;
    private long timeoutNanos;                 // per-read limit while armed
    private volatile long deadline;            // 0: no read in progress
    private volatile boolean timedOut;

    private UpstreamConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    /** Opens a connection; throws on refusal or when {@code timeout} passes. */
    static UpstreamConnection open(InetSocketAddress address, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(address, (int) Math.max(1, timeout.toMillis()));
            UpstreamConnection c = new UpstreamConnection(s);
            ReadDeadlines.get().watch(c);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    OutputStream out() {
        return out;
    }

    /**
     * Limits each blocking read to {@code timeout} until {@link #disarm()}; a read that waits longer fails
     * and {@link #timedOut()} becomes true.
     */
    void readTimeout(Duration timeout) {
        timeoutNanos = timeout.toNanos();
        timedOut = false;
    }

    /** No read limit (the connection is idle in the pool). */
    void disarm() {
        timeoutNanos = 0;
        deadline = 0;
    }

    /** Whether the last failed read failed because its deadline passed. */
    boolean timedOut() {
        return timedOut;
    }

    /** Called by {@link ReadDeadlines}: closes the socket if a read has waited past its deadline. */
    void expireIfDue(long now) {
        long d = deadline;
        if (d != 0 && now - d > 0) {
            timedOut = true;
            close();
        }
    }

    /** How many requests were sent on this connection before the current one. */
    int previousUses() {
        return uses;
    }

    void markUsed() {
        uses++;
    }

    long idleSince() {
        return idleSince;
    }

    void markIdle(long nanos) {
        idleSince = nanos;
    }

    /** Whether unread bytes are buffered (a pooled connection must have none). */
    boolean hasBufferedInput() {
        return pos < limit;
    }

    /** Reads one byte, or -1 at end of stream. */
    int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    /** Reads up to {@code len} bytes (at least one unless end of stream: then -1). */
    int read(byte[] dst, int off, int len) throws IOException {
        if (pos == limit) {
            if (len >= buf.length) {
                return timedRead(dst, off, len); // large reads bypass the buffer
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    /**
     * Reads a line ending in CRLF (a bare LF is refused) as ISO-8859-1 without the terminator.
     *
     * @param max longest line accepted
     * @return the line, or null at end of stream before any byte
     * @throws UpstreamProtocolException for an over-long line or a bare LF or CR
     */
    String readLine(int max) throws IOException {
        StringBuilder sb = null;
        while (true) {
            if (pos == limit && !fill()) {
                if (sb == null) {
                    return null;
                }
                throw new UpstreamProtocolException("connection closed inside a line");
            }
            int start = pos;
            while (pos < limit) {
                byte b = buf[pos];
                if (b == '\n') {
                    int end = pos;
                    pos++;
                    String part = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                    String line = sb == null ? part : sb.append(part).toString();
                    if (line.length() > max + 1) {
                        throw new UpstreamProtocolException("line too long");
                    }
                    if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
                        throw new UpstreamProtocolException("line not terminated by CRLF");
                    }
                    return line.substring(0, line.length() - 1);
                }
                pos++;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
            if (sb.length() > max + 1) { // + 1: the CR of a CRLF split across reads
                throw new UpstreamProtocolException("line too long");
            }
        }
    }

    private boolean fill() throws IOException {
        int r = timedRead(buf, 0, buf.length);
        if (r < 0) {
            return false;
        }
        pos = 0;
        limit = r;
        return true;
    }

    private int timedRead(byte[] dst, int off, int len) throws IOException {
        if (timeoutNanos == 0) {
            return in.read(dst, off, len);
        }
        deadline = System.nanoTime() + timeoutNanos;
        try {
            return in.read(dst, off, len);
        } finally {
            deadline = 0;
        }
    }

    void close() {
        ReadDeadlines.get().unwatch(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public String toString() {
        return "connection to " + socket.getRemoteSocketAddress();
    }
}
