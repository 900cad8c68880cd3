package io.portico.core.telemetry.tracing;

import io.opentelemetry.context.propagation.TextMapSetter;
import io.portico.core.upstream.RequestHead;
import io.portico.core.upstream.Target;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The tracing state of one request (only when tracing is on): its SERVER span, the context children are
 * made under, and the span of the filter call in progress. Also the {@link io.portico.api.Span} filters and
 * scripts see ({@code exchange.span()}, {@code ctx.span}): attributes and events go to the current filter's
 * span, or to the request's span between filter calls.
 *
 * <p>Used by the request's thread only.
 */
public final class RequestTrace implements io.portico.api.Span {
    private final Tracing tracing;
    private final Span server;
    private final Context context;
    private final Scope scope;
    private Span filter;
    private int status;

    RequestTrace(Tracing tracing, Span server, Context context, Scope scope) {
        this.tracing = tracing;
        this.server = server;
        this.context = context;
        this.scope = scope;
    }

    /** The context holding the request's span (the parent of filter and client spans). */
    public Context context() {
        return context;
    }

    /** The request's SERVER span. */
    public Span span() {
        return server;
    }

    /** The trace id, 32 lower-case hex digits. */
    public String traceId() {
        return server.getSpanContext().getTraceId();
    }

    /**
     * Names the span after the matched route ({@code GET /api/orders/{id}}) and records {@code http.route} and
     * {@code portico.route.id}.
     */
    public void route(String method, String id, String pattern) {
        server.updateName(method + " " + pattern);
        server.setAttribute(Tracing.HTTP_ROUTE, pattern);
        server.setAttribute(Tracing.ROUTE_ID, id);
    }

    /** Records the request id ({@code portico.request.id}). */
    public void requestId(String id) {
        server.setAttribute(Tracing.REQUEST_ID, id);
    }

    /** Records the authenticated consumer. */
    public void consumer(String id) {
        server.setAttribute(Tracing.CONSUMER_ID, id);
    }

    /** Starts the span of one filter call (ended by {@link #endFilter}); a null name starts none. */
    public void startFilter(String name, String type, String callback) {
        filter = name == null ? null : tracing.startFilter(context, name, type, callback);
    }

    /** Ends the current filter span; {@code failure} marks it as an error. */
    public void endFilter(Throwable failure) {
        Span f = filter;
        if (f == null) {
            return;
        }
        filter = null;
        if (failure != null) {
            f.recordException(failure);
            f.setStatus(StatusCode.ERROR);
        }
        f.end();
    }

    /** Renames the current filter span (a script names itself by the version it runs). */
    public void renameFilter(String name) {
        if (filter != null) {
            filter.updateName(name);
        }
    }

    /** Adds propagation headers to an upstream request (the client's were left out when it was built). */
    private static final TextMapSetter<RequestHead> HEAD_SETTER = (head, key, value) -> head.add(key, value);

    /**
     * Starts the CLIENT span of an attempt on {@code target} (its host, and its port or the scheme's default)
     * and injects its context into {@code head}: see {@link Tracing#startClient}.
     */
    public Span startClient(String method, String upstream, Target target, int attempt, RequestHead head) {
        java.net.URI url = target.url();
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return startClient(method, upstream, url.getHost(), port, attempt, head, HEAD_SETTER);
    }

    /** Starts a CLIENT span for an upstream attempt: see {@link Tracing#startClient}. */
    public <C> Span startClient(String method, String upstream, String host, int port, int attempt, C carrier,
                                io.opentelemetry.context.propagation.TextMapSetter<C> setter) {
        return tracing.startClient(this, method, upstream, host, port, attempt, carrier, setter);
    }

    /** The status sent to the client (0: none was sent). */
    public void status(int code) {
        this.status = code;
    }

    /** Ends the request's span (after the last byte was written) and leaves its context. */
    public void end(Throwable failure) {
        if (filter != null) {
            endFilter(null);
        }
        if (status > 0) {
            server.setAttribute(Tracing.HTTP_RESPONSE_STATUS_CODE, (long) status);
            if (status >= 500) {
                server.setAttribute(Tracing.ERROR_TYPE, Integer.toString(status));
                server.setStatus(StatusCode.ERROR);
            }
        }
        if (failure != null) {
            server.recordException(failure);
            server.setStatus(StatusCode.ERROR);
            if (status == 0) {
                server.setAttribute(Tracing.ERROR_TYPE, failure.getClass().getName());
            }
        }
        scope.close();
        server.end();
    }

    @Override
    public void attribute(String key, String value) {
        (filter != null ? filter : server).setAttribute(key, value);
    }

    @Override
    public void event(String name) {
        (filter != null ? filter : server).addEvent(name);
    }
}
