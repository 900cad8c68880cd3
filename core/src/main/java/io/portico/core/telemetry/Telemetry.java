package io.portico.core.telemetry;

import io.portico.core.config.TelemetryConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's request telemetry: the Prometheus metrics and the access log, fed by one completion hook.
 * The request path calls {@link #begin()} when a request arrives and {@link #end} after its last byte; every
 * {@link RequestObserver} then gets the {@link RequestRecord}. Thread-safe; {@link #close()} stops the access
 * log's writer.
 */
public final class Telemetry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Telemetry.class.getName());

    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final RequestObserver[] observers;
    private final AtomicBoolean[] failedOnce;

    public Telemetry(GatewayMetrics metrics, AccessLog accessLog, List<RequestObserver> more) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        List<RequestObserver> all = new ArrayList<>();
        all.add(metrics);
        if (accessLog != null) {
            all.add(accessLog);
        }
        all.addAll(more);
        this.observers = all.toArray(new RequestObserver[0]);
        this.failedOnce = new AtomicBoolean[observers.length];
        for (int i = 0; i < failedOnce.length; i++) {
            failedOnce[i] = new AtomicBoolean();
        }
    }

    /**
     * Telemetry as {@code config} says: fresh metrics, and the access log on stdout, in a file, or none.
     *
     * @throws UncheckedIOException when the access-log file cannot be opened
     */
    public static Telemetry create(TelemetryConfig config) {
        GatewayMetrics metrics = new GatewayMetrics();
        AccessLog log;
        try {
            log = AccessLog.open(config, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the access log " + config.accessLog().file()
                    + " (telemetry.access-log): " + e.getMessage(), e);
        }
        return new Telemetry(metrics, log, List.of());
    }

    /** Metrics only, no access log (tests, embedded use). */
    public static Telemetry metricsOnly() {
        return new Telemetry(new GatewayMetrics(), null, List.of());
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The access log, or null when it is off. */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** A request arrived on this thread; pair with {@link #end}. */
    public RequestProgress begin() {
        metrics.requestStarted();
        return RequestProgress.bind(new RequestProgress(this));
    }

    /**
     * The request is over: builds its record and tells every observer. {@code status} is what the client got;
     * {@code bytesOut} the body bytes written.
     */
    public void end(RequestProgress p, InetAddress client, String method, String path, int status, long bytesIn,
                    long bytesOut, String userAgent, String traceId, boolean aborted) {
        RequestProgress.unbind();
        metrics.requestEnded();
        String consumer = null;
        if (p.consumer != null) {
            try {
                consumer = p.consumer.get();
            } catch (RuntimeException e) {
                consumer = null;
            }
        }
        RequestRecord r = new RequestRecord(p.startEpochMillis, p.requestId, traceId, client, method, path,
                p.routeId, p.upstream, p.target == null ? null : metrics.targetLabel(p.target), status, bytesIn,
                bytesOut, System.nanoTime() - p.startNanos, p.upstreamNanos, consumer, userAgent, p.retries, aborted);
        complete(r);
    }

    /** Tells every observer; an observer's exception is logged once per observer and otherwise ignored. */
    public void complete(RequestRecord r) {
        for (int i = 0; i < observers.length; i++) {
            try {
                observers[i].completed(r);
            } catch (RuntimeException e) {
                if (failedOnce[i].compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "request observer " + observers[i].getClass().getName()
                            + " failed (logged once; it keeps being called)", e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
