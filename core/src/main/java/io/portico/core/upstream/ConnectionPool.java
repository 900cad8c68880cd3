package io.portico.core.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections to one target, most recently used first (so a burst's surplus ages out).
 *
 * <p>Thread-safe and lock-free. There is no cap on connections in use; at most {@code maxIdle} are kept
 * idle, and a connection idle longer than {@code idleTimeout} is closed instead of reused (upstreams
 * close idle connections too, and reusing one they are closing fails the request).
 */
final class ConnectionPool {
    private final InetSocketAddress address;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final ConcurrentLinkedDeque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    ConnectionPool(InetSocketAddress address, int maxIdle, Duration idleTimeout) {
        this.address = address;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    InetSocketAddress address() {
        return address;
    }

    /** A pooled connection if a fresh one is idle, else null. */
    UpstreamConnection takeIdle() {
        UpstreamConnection c;
        long now = System.nanoTime();
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (now - c.idleSince() < idleTimeoutNanos && !c.isClosed()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    /** A new connection. @throws IOException when the target refuses or does not answer in time */
    UpstreamConnection open(Duration connectTimeout) throws IOException {
        return UpstreamConnection.open(address, connectTimeout);
    }

    /** Returns a connection whose last exchange completed cleanly. */
    void release(UpstreamConnection c) {
        if (closed || c.hasBufferedInput()) {
            c.close();
            return;
        }
        if (idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            c.close();
            return;
        }
        c.markIdle(System.nanoTime());
        idle.offerFirst(c);
        if (closed) {
            close(); // raced with close(): do not leave it behind
        }
    }

    int idleCount() {
        return idleCount.get();
    }

    /** Closes idle connections; connections in use are closed when their request ends. */
    void close() {
        closed = true;
        UpstreamConnection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            c.close();
        }
    }
}
