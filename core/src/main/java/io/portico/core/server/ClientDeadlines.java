package io.portico.core.server;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Closes client connections that stall (slowloris defences Helidon 4.5 does not have):
 * <ul>
 *   <li>the header section must arrive within {@code server.header-timeout} of the request line;</li>
 *   <li>while a request body is being read, each read may wait at most {@code server.idle-timeout}
 *       (Helidon's idle timeout only covers the wait for a request line).</li>
 * </ul>
 * Per request it costs a map put and remove on the connection's own thread; one daemon thread sweeps the
 * map every quarter of the shorter limit (between 50 ms and 1 s). A stalled connection is closed without
 * a response: the client never finished its request. Thread-safe.
 */
final class ClientDeadlines implements Http1ConnectionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientDeadlines.class.getName());

    private final long headerNanos;
    private final long bodyReadNanos;
    private final Map<ConnectionContext, Long> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    ClientDeadlines(Duration headerTimeout, Duration bodyReadTimeout) {
        this.headerNanos = headerTimeout.toNanos();
        this.bodyReadNanos = bodyReadTimeout.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portico-client-deadlines");
            t.setDaemon(true);
            return t;
        });
        long shorter = Math.min(headerTimeout.toMillis(), bodyReadTimeout.toMillis());
        long period = Math.max(50, Math.min(1000, shorter / 4));
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        deadlines.put(ctx, System.nanoTime() + headerNanos);
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        deadlines.remove(ctx);
    }

    /** A blocking read of request-body bytes starts on this connection. */
    void bodyReadStarted(ConnectionContext ctx) {
        deadlines.put(ctx, System.nanoTime() + bodyReadNanos);
    }

    /** The read returned. */
    void bodyReadEnded(ConnectionContext ctx) {
        deadlines.remove(ctx);
    }

    private void sweep() {
        long now = System.nanoTime();
        deadlines.forEach((ctx, deadline) -> {
            if (now - deadline > 0 && deadlines.remove(ctx, deadline)) {
                LOG.log(Level.FINE, "closing a stalled client connection");
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "closing a stalled connection failed", e);
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
