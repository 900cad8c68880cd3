package io.portico.plugins.requestsize;

import io.portico.api.Body;
import io.portico.api.BodyTooLargeException;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Metrics;

/**
 * Refuses request bodies larger than {@code max-body-size} with 413 problem {@code payload-too-large}.
 *
 * <ul>
 *   <li>No body: proceeds.</li>
 *   <li>A declared {@code Content-Length}: compared, nothing is read; the gateway's framing guarantees the
 *       body is not longer than declared.</li>
 *   <li>Unknown length (chunked): when the limit is at least {@code server.max-body-size} the gateway's own
 *       limit already enforces it and the body keeps streaming. Otherwise the body is buffered through
 *       {@link Body#bytes()} (the API has no bounded read, so buffering stops only at the server limit) and
 *       its length compared; a body over the server limit is answered 413 too. The buffered body is what is
 *       forwarded.</li>
 * </ul>
 * Counts refusals in the metric {@code rejected}. Immutable, thread-safe.
 */
final class RequestSizeFilter implements GatewayFilter {
    private final long max;
    private final boolean bufferChunked;
    private final Decision.Respond tooLarge;
    private final Metrics metrics;

    RequestSizeFilter(long max, long serverMax, Metrics metrics) {
        this.max = max;
        this.bufferChunked = max < serverMax;
        this.tooLarge = Decision.problem(413, "payload-too-large", "Content Too Large",
                "The request body exceeds the limit of " + max + " bytes.");
        this.metrics = metrics;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Body body = exchange.request().body();
        if (!body.present() || fits(body)) {
            return Decision.proceed();
        }
        metrics.increment("rejected");
        return tooLarge;
    }

    private boolean fits(Body body) {
        long declared = body.declaredLength();
        if (declared >= 0) {
            return declared <= max;
        }
        if (!bufferChunked) {
            return true;
        }
        try {
            return body.bytes().length <= max;
        } catch (BodyTooLargeException e) {
            return false;
        }
    }
}
