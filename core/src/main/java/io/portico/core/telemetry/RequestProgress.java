package io.portico.core.telemetry;

import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import io.portico.core.upstream.UpstreamFailure;

/**
 * What the request path learns about one request while it runs (route, consumer, upstream attempts), read
 * once at the end to build its {@link RequestRecord}. One instance per request, bound to the handling
 * thread between {@link Telemetry#begin()} and {@link Telemetry#end}: the static setters below are no-ops
 * on any other thread, so code deep in the request path (the forwarder) reports without extra parameters.
 * Not thread-safe (one request, one thread).
 */
public final class RequestProgress {
    private static final ThreadLocal<RequestProgress> CURRENT = new ThreadLocal<>();

    final long startNanos = System.nanoTime();
    final long startEpochMillis = System.currentTimeMillis();
    private final Telemetry telemetry;
    String requestId;
    String routeId;
    String upstream;
    Target target;
    long upstreamNanos = -1;
    int retries;
    /** Body bytes written through {@link #counting}; -1 when the body was not streamed. */
    long streamedBytes = -1;
    java.util.function.Supplier<String> consumer;

    RequestProgress(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    static RequestProgress bind(RequestProgress p) {
        CURRENT.set(p);
        return p;
    }

    static void unbind() {
        CURRENT.remove();
    }

    /** The request being handled on this thread, or null. */
    public static RequestProgress current() {
        return CURRENT.get();
    }

    /** The request id the gateway uses (set once it is known). */
    public static void requestId(String id) {
        RequestProgress p = CURRENT.get();
        if (p != null) {
            p.requestId = id;
        }
    }

    /** The matched route. */
    public static void route(String routeId) {
        RequestProgress p = CURRENT.get();
        if (p != null) {
            p.routeId = routeId;
        }
    }

    /** Where to read the authenticated consumer's id from at the end (filters set it while running). */
    public static void consumer(java.util.function.Supplier<String> consumerId) {
        RequestProgress p = CURRENT.get();
        if (p != null) {
            p.consumer = consumerId;
        }
    }

    /**
     * One attempt on {@code target}: {@code sentNanos} is {@link System#nanoTime()} before sending;
     * {@code failure} null when a response head came back. Recorded in the upstream metrics at once.
     */
    public static void attempt(Upstream upstream, Target target, long sentNanos, UpstreamFailure failure) {
        RequestProgress p = CURRENT.get();
        if (p == null) {
            return;
        }
        long nanos = System.nanoTime() - sentNanos;
        p.upstream = upstream.name();
        p.target = target;
        p.upstreamNanos = (p.upstreamNanos < 0 ? 0 : p.upstreamNanos) + nanos;
        p.telemetry.metrics().upstreamAttempt(upstream.name(), target, nanos,
                failure == null ? null : failure.kind());
    }

    /**
     * Wraps a streamed response body so the bytes actually written are counted for this request (the
     * stream itself unchanged when no request is bound to this thread).
     */
    public static java.io.OutputStream counting(java.io.OutputStream out) {
        RequestProgress p = CURRENT.get();
        if (p == null) {
            return out;
        }
        p.streamedBytes = 0;
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(int b) throws java.io.IOException {
                out.write(b);
                p.streamedBytes++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
                p.streamedBytes += len;
            }
        };
    }

    /** Body bytes written through {@link #counting}, or -1 when the body was not streamed. */
    public long streamedBytes() {
        return streamedBytes;
    }

    /** The forwarder is trying another target. */
    public static void retried() {
        RequestProgress p = CURRENT.get();
        if (p != null) {
            p.retries++;
        }
    }
}
