package io.portico.core.telemetry.tracing;

/**
 * A core filter that names its own tracing span instead of {@code filter:<type>}: a script filter is
 * {@code script:<file>@<hash>} of the version it runs.
 */
public interface SpanNamed {

    /**
     * The span name for the call about to be made (must not allocate on every call), or null when that call
     * does no work and gets no span (a script without {@code onResponse}).
     *
     * @param exchange the request ({@link io.portico.core.chain.ExchangeBase})
     * @param response true for {@code onResponse}, false for {@code onRequest}
     */
    String spanName(io.portico.api.Exchange exchange, boolean response);
}
