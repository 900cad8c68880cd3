package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig.ActiveHealth;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Active health checks: every {@code interval}, a {@code GET path} to each target of each upstream that
 * configures {@code health.active}, over a fresh connection ({@code Connection: close}) with
 * {@code timeout} for connecting and for the answer. A 2xx or 3xx status is a success, anything else
 * (including no connection, no answer in time, or an invalid answer) a failure; {@link TargetHealth} turns
 * consecutive results into the healthy/unhealthy verdict.
 *
 * <p>One scheduler thread only keeps time; each probe runs on its own virtual thread, and a target whose
 * previous probe is still running is skipped for that round. The path is sent as configured (the target's
 * base path is not prefixed); {@code Host} is the target's. {@link #close()} stops the schedule and
 * interrupts running probes.
 */
final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HealthChecker.class.getName());
    private static final int MAX_HEAD_LINE = 8192;

    private final ScheduledExecutorService timer;
    private final Set<Target> probing = ConcurrentHashMap.newKeySet();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Starts checking every upstream in {@code upstreams} that has active health configured. */
    HealthChecker(List<Upstream> upstreams) {
        List<Upstream> checked = new ArrayList<>();
        for (Upstream u : upstreams) {
            if (u.activeHealth() != null && !u.targets().isEmpty()) {
                checked.add(u);
            }
        }
        if (checked.isEmpty()) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portico-health-checks");
            t.setDaemon(true);
            return t;
        });
        for (Upstream u : checked) {
            long every = Math.max(1, u.activeHealth().interval().toNanos());
            timer.scheduleAtFixedRate(() -> round(u), 0, every, TimeUnit.NANOSECONDS);
        }
    }

    private void round(Upstream u) {
        for (Target t : u.targets()) {
            if (closed || !probing.add(t)) {
                continue; // the previous probe of this target is still running
            }
            Thread.ofVirtual().name("portico-health-probe").start(() -> {
                running.add(Thread.currentThread());
                try {
                    if (!closed) {
                        probeAndRecord(t, u.activeHealth());
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "health probe of " + t + " failed unexpectedly", e);
                } finally {
                    running.remove(Thread.currentThread());
                    probing.remove(t);
                }
            });
        }
    }

    private void probeAndRecord(Target t, ActiveHealth cfg) {
        String failure = probe(t, cfg);
        if (closed) {
            return;
        }
        if (failure == null) {
            t.health().probeSucceeded();
        } else {
            t.health().probeFailed(failure);
        }
    }

    /**
     * Sends one probe.
     *
     * @return null on success, else a short reason ({@code connection refused}, {@code timeout},
     *         {@code status 500} …)
     */
    static String probe(Target t, ActiveHealth cfg) {
        UpstreamConnection c;
        try {
            c = UpstreamConnection.open(t.address(), cfg.timeout());
        } catch (SocketTimeoutException e) {
            return "connect timeout";
        } catch (IOException e) {
            return message(e, "connect failed");
        }
        try {
            c.readTimeout(cfg.timeout());
            String request = "GET " + cfg.path() + " HTTP/1.1\r\nHost: " + t.hostHeader()
                    + "\r\nUser-Agent: portico-health-check\r\nConnection: close\r\n\r\n";
            c.out().write(request.getBytes(StandardCharsets.ISO_8859_1));
            c.out().flush();
            ResponseHead head = ResponseHead.read(c, false);
            if (head == null) {
                return "closed before the response";
            }
            int status = head.status();
            return status >= 200 && status < 400 ? null : "status " + status;
        } catch (UpstreamProtocolException e) {
            return "invalid response";
        } catch (IOException e) {
            return c.timedOut() ? "timeout" : message(e, "connection failed");
        } finally {
            c.close();
        }
    }

    private static String message(IOException e, String fallback) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? fallback : m.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        running.forEach(Thread::interrupt);
    }
}
