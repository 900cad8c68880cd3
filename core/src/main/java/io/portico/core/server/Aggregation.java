package io.portico.core.server;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.api.Consumer;
import io.portico.core.aggregate.AggregateRequest;
import io.portico.core.aggregate.AggregateResult;
import io.portico.core.aggregate.Aggregator;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.ChainExecutor;
import io.portico.core.chain.FilterChain;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableQuery;
import io.portico.core.chain.MutableResponse;
import io.portico.core.route.RouteMatch;
import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.upstream.balance.PickContext;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Serves an aggregate route once its filters let the request through: hands the request to the route's
 * {@link Aggregator} and sends what it made. A merged body is {@code 200 application/json} (with
 * {@code Portico-Partial: true} when an optional part failed) and goes through the chain's
 * {@code onResponse} like an upstream's answer; a failure is a problem+json; when the client went away
 * nothing is sent and the connection is closed. Blocking, on the request's thread; stateless.
 */
final class Aggregation {
    static final String PARTIAL = "Portico-Partial";

    private final Forwarder forwarder;

    Aggregation(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    void serve(ServerRequest req, ServerResponse res, Snapshot current, RouteMatch match, String requestId,
               FilterChain chain, HelidonExchange ex, RequestTrace trace, Aggregator aggregator) {
        MutableQuery query = ex != null ? ex.request().query()
                : new MutableQuery(req.prologue().hasQuery() ? req.query().rawValue() : null);
        Map<String, String> firstValues = new HashMap<>();
        for (String name : query.names()) {
            query.first(name).ifPresent(v -> firstValues.put(name, v));
        }
        Optional<Consumer> consumer = ex == null ? Optional.empty() : ex.consumer();
        AggregateRequest ar = new AggregateRequest(match.params(), firstValues, consumer,
                forwarder.forwardedHeaders(req, ex, requestId), requestId, new Serialized(new HelidonPickContext(req)),
                current.upstreams(), trace, FramingGuardSelector.clientGone());
        AggregateResult result = aggregator.run(ar);
        switch (result) {
            case AggregateResult.Cancelled c -> throw new CloseConnectionException("the client went away");
            case AggregateResult.Failed f -> Responses.problem(req, res,
                    new Problem(f.status(), f.slug(), f.title(), f.detail(), requestId), false);
            case AggregateResult.Merged m -> {
                MutableHeaders headers = new MutableHeaders();
                headers.add("Content-Type", "application/json");
                if (m.partial()) {
                    headers.add(PARTIAL, "true");
                }
                MutableResponse answer = new MutableResponse(200, headers, BufferedBody.of(m.body()));
                if (chain != null) {
                    ex.responseView(answer);
                    ChainExecutor.onResponse(chain, ex);
                    answer = ex.responseView();
                }
                Responses.answer(req, res, answer);
            }
        }
    }

    /** The request's pick context for parts picking targets on several threads at once. */
    private record Serialized(PickContext ctx) implements PickContext {
        @Override
        public synchronized String clientIp() {
            return ctx.clientIp();
        }

        @Override
        public synchronized String header(String lowerName) {
            return ctx.header(lowerName);
        }

        @Override
        public synchronized String cookie(String name) {
            return ctx.cookie(name);
        }

        @Override
        public synchronized String queryParam(String name) {
            return ctx.queryParam(name);
        }
    }
}
