package io.portico.core.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.core.aggregate.Aggregator;
import io.portico.core.chain.ChainExecutor;
import io.portico.core.chain.FilterChain;
import io.portico.core.route.BadPathException;
import io.portico.core.route.PathNormalizer;
import io.portico.core.route.RouteMatch;
import io.portico.core.telemetry.RequestProgress;
import io.portico.core.telemetry.Telemetry;
import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.telemetry.tracing.Tracing;
import io.portico.core.upstream.ClientBodyException;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request path, in order: edge checks → path normalization → route → the route's filter chain
 * ({@code onRequest}, only when it has one) → upstream target (the upstream's balancer, given a lazy
 * {@link HelidonPickContext}) → forward ({@code onResponse} before relaying) → {@code onComplete}. A route
 * without a chain allocates nothing for filters. An aggregate route replaces the target pick and forward
 * with {@link Aggregation} (the chain runs once, before the fan-out).
 *
 * <p>Runs on the connection's virtual thread and blocks freely. It reads the current {@link Snapshot}
 * once per request, so a request finishes on the configuration it started with. Every answer the gateway
 * makes itself goes through {@link Responses} (problem+json, connection closed when the request body was
 * not consumed).
 */
final class GatewayHandler implements Handler {
    static final String SERVER_NAME = "portico";
    static final HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");
    private static final Logger LOG = Logger.getLogger(GatewayHandler.class.getName());

    private final Supplier<Snapshot> snapshot;
    private final EdgeChecks edge;
    private final Forwarder forwarder;
    private final Aggregation aggregation;
    private final Forwarding forwarding;
    private final long maxBodySize;
    private final Telemetry telemetry;
    private final Tracing tracing;

    GatewayHandler(Supplier<Snapshot> snapshot, EdgeChecks edge, Forwarder forwarder, Forwarding forwarding,
                   long maxBodySize, Telemetry telemetry, Tracing tracing) {
        this.telemetry = telemetry;
        this.tracing = tracing;
        this.snapshot = snapshot;
        this.edge = edge;
        this.forwarder = forwarder;
        this.aggregation = new Aggregation(forwarder);
        this.forwarding = forwarding;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        // the one completion hook (access log, metrics) runs after the last byte, also on abort; the SERVER span
        // is current for the whole exchange and ends just before it
        RequestProgress progress = telemetry.begin();
        RequestTrace trace = tracing.enabled() ? TracingHeaders.start(tracing, req) : null;
        boolean aborted = false;
        Throwable failure = null;
        try {
            handleRequest(req, res, trace);
        } catch (CloseConnectionException e) {
            // closing after a complete answer carries no cause; a response cut off (or a gateway bug) does
            aborted = e.getCause() != null;
            failure = e.getCause() != null ? e.getCause() : e;
            throw e;
        } catch (RuntimeException | Error e) {
            aborted = true;
            failure = e;
            throw e;
        } finally {
            if (trace != null) {
                trace.status(res.isSent() ? res.status().code() : 0);
                trace.end(failure);
            }
            Completion.end(telemetry, progress, req, res, aborted, trace == null ? null : trace.traceId());
        }
        if (Responses.clientAskedToClose(req)) {
            // Helidon 4.5 would keep reading this connection after a "Connection: close" request.
            throw new CloseConnectionException("client asked to close");
        }
    }

    private void handleRequest(ServerRequest req, ServerResponse res, RequestTrace trace) {
        try {
            route(req, res, trace);
        } catch (CloseConnectionException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bug, never a client's fault: log it with the request id, answer 500 if still possible.
            String requestId = res.headers().first(Forwarder.X_REQUEST_ID).orElse("-");
            LOG.log(Level.SEVERE, "request " + requestId + " failed in the gateway", e);
            if (!res.isSent()) {
                Responses.problem(req, res, Problem.internal().withInstance(requestId), true);
            }
            throw new CloseConnectionException("internal error", e);
        }
    }

    private void route(ServerRequest req, ServerResponse res, RequestTrace trace) {
        String requestId = RequestIds.accept(req.headers().first(Forwarder.X_REQUEST_ID).orElse(null));
        RequestProgress.requestId(requestId);
        if (trace != null) {
            trace.requestId(requestId);
        }
        res.header(Forwarder.X_REQUEST_ID, requestId);
        res.header(HeaderNames.SERVER, SERVER_NAME);

        Problem rejected = edge.check(req);
        if (rejected != null) {
            Responses.problem(req, res, rejected.withInstance(requestId), true);
            return;
        }
        String path;
        try {
            path = PathNormalizer.normalize(req.prologue().uriPath().rawPath());
        } catch (BadPathException e) {
            Responses.problem(req, res, Problem.badRequest(e.getMessage()).withInstance(requestId), false);
            return;
        }

        while (true) {
            Snapshot current = snapshot.get();
            RouteMatch match = current.routes().match(new HelidonRequestFacts(req, path));
            if (match == null) {
                Responses.problem(req, res, Problem.notFound().withInstance(requestId), false);
                return;
            }
            RequestProgress.route(match.route().config().id());
            if (trace != null) {
                trace.route(req.prologue().method().text(), match.route().config().id(),
                        match.route().config().match().path());
            }
            FilterChain chain = current.chain(match.route().config().id());
            Aggregator aggregator = current.aggregate(match.route().config().id());
            if (chain == null) {
                if (aggregator != null) {
                    aggregation.serve(req, res, current, match, requestId, null, null, trace, aggregator);
                } else {
                    pickAndForward(req, res, current, match, requestId, null, null, trace);
                }
                return;
            }
            if (!current.admission().enter()) {
                continue; // replaced and its plugins released just now: route on the current snapshot
            }
            try {
                filtered(req, res, current, match, path, requestId, chain, trace, aggregator);
            } finally {
                current.admission().exit();
            }
            return;
        }
    }

    /**
     * The filtered path: {@code onRequest} (a decision answers through {@code onResponse}), then the target
     * pick and forward (which runs {@code onResponse}), and {@code onComplete} after whatever was sent,
     * also when the client went away or the upstream failed.
     */
    private void filtered(ServerRequest req, ServerResponse res, Snapshot current, RouteMatch match, String path,
                          String requestId, FilterChain chain, RequestTrace trace, Aggregator aggregator) {
        HelidonExchange ex = new HelidonExchange(req, match, path, requestId, forwarding, maxBodySize,
                current.upstreams());
        RequestProgress.consumer(() -> ex.consumer().map(c -> c.id()).orElse(null));
        ex.trace(trace);
        try {
            if (!ChainExecutor.onRequest(chain, ex)) {
                ChainExecutor.onResponse(chain, ex);
                Responses.answer(req, res, ex.responseView());
                return;
            }
            if (aggregator != null) {
                aggregation.serve(req, res, current, match, requestId, chain, ex, trace, aggregator);
            } else {
                pickAndForward(req, res, current, match, requestId, chain, ex, trace);
            }
        } catch (ClientBodyException e) {
            Responses.problem(req, res, forwarder.clientBodyProblem(e).withInstance(requestId), true);
        } finally {
            ex.sent(res.isSent() ? res.status().code() : 500);
            ChainExecutor.onComplete(chain, ex);
            if (trace != null && ex.consumer().isPresent()) {
                trace.consumer(ex.consumer().get().id());
            }
        }
    }

    private void pickAndForward(ServerRequest req, ServerResponse res, Snapshot current, RouteMatch match,
                                String requestId, FilterChain chain, HelidonExchange ex, RequestTrace trace) {
        // a filter may have re-targeted the request (Exchange.upstream(name) checked that the name exists)
        Upstream upstream = current.upstreams().get(ex == null ? match.route().config().upstream() : ex.upstream());
        Target target = upstream.pick(new HelidonPickContext(req));
        if (target == null) {
            long retryAfter = upstream.retryAfterSeconds();
            if (retryAfter > 0) {
                res.header(RETRY_AFTER, Long.toString(retryAfter));
            }
            Problem p = upstream.circuitOpen() ? Problem.circuitOpen(upstream.name()) : Problem.noTarget(upstream.name());
            Responses.problem(req, res, p.withInstance(requestId), false);
            return;
        }
        forwarder.forward(req, res, match, upstream, target, requestId, chain, ex, trace);
    }
}
