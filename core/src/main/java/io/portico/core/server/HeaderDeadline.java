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
 * Closes connections whose header section does not arrive within {@code server.header-timeout} of the
 * request line (slowloris defence; Helidon's idle timeout covers only the wait for the request line).
 *
 * <p>Per request it costs one map put and one remove on the connection's own thread; a single daemon
 * thread sweeps the map every quarter of the deadline (at most once a second). A closed connection gets no
 * response: the client never finished a request. Thread-safe.
 */
final class HeaderDeadline implements Http1ConnectionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeaderDeadline.class.getName());

    private final long deadlineNanos;
    private final Map<ConnectionContext, Long> started = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    HeaderDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portico-header-deadline");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(1000, deadline.toMillis() / 4));
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        started.put(ctx, System.nanoTime());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        started.remove(ctx);
    }

    private void sweep() {
        long now = System.nanoTime();
        started.forEach((ctx, t0) -> {
            if (now - t0 > deadlineNanos && started.remove(ctx, t0)) {
                LOG.log(Level.FINE, "closing connection: header section not received within the deadline");
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "closing a slow connection failed", e);
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
