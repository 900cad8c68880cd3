package io.portico.core.aggregate;

import io.portico.api.Consumer;
import io.portico.core.route.PathParams;
import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.upstream.RequestHead;
import io.portico.core.upstream.Upstreams;
import io.portico.core.upstream.balance.PickContext;

import java.util.Map;
import java.util.Optional;

/**
 * The client request as an aggregation sees it, after the route's filters ran.
 *
 * @param params    the route's path parameters
 * @param query     the query parameters as the filters left them: name → first value, decoded
 * @param consumer  the authenticated consumer, if any
 * @param forwarded the headers every part request carries (the client's end-to-end headers as the filters
 *                  left them, minus hop-by-hop ones, plus the forwarding headers and {@code X-Request-Id});
 *                  its method and target are ignored
 * @param requestId the request id
 * @param pick      the request for consistent-hash balancers; used from several threads (serialized here)
 * @param upstreams the upstreams of the configuration the request runs on
 * @param trace     the request's trace, or null when tracing is off
 * @param cancel    fires when the client goes away
 */
public record AggregateRequest(PathParams params,
                               Map<String, String> query,
                               Optional<Consumer> consumer,
                               RequestHead forwarded,
                               String requestId,
                               PickContext pick,
                               Upstreams upstreams,
                               RequestTrace trace,
                               CancelSignal cancel) {
}
