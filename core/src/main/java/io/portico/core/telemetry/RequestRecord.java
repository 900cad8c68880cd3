package io.portico.core.telemetry;

import java.net.InetAddress;

/**
 * What one client request was, emitted once after its last response byte was written (or after it was
 * aborted), to every {@link RequestObserver}. Immutable.
 *
 * @param startEpochMillis when the request arrived (wall clock)
 * @param requestId        the {@code X-Request-Id} the gateway used
 * @param traceId          the trace id, or null when tracing is off
 * @param clientAddress    the TCP peer's address, or null when unknown
 * @param method           the request method as sent
 * @param path             the raw request path, <em>without</em> the query string (queries may carry secrets)
 * @param routeId          the matched route's id, or null when no route matched (or the request was
 *                         rejected before routing)
 * @param upstream         the upstream of the last attempt, or null when none was contacted
 * @param target           the last attempted target as {@code host:port}, or null
 * @param status           the status sent to the client (500 when the gateway failed before answering)
 * @param bytesIn          the request body's declared length ({@code Content-Length}); 0 for none or chunked
 * @param bytesOut         response body bytes written to the client (like nginx's {@code $body_bytes_sent}):
 *                         counted as written for a streamed body (a response cut off counts what went out)
 * @param durationNanos    from the start of handling to the last byte written
 * @param upstreamNanos    time waiting for upstream response heads, summed over attempts; -1 when none
 * @param consumer         the authenticated consumer's id, or null
 * @param userAgent        the {@code User-Agent} header, or null
 * @param retries          attempts beyond the first (retries on another target)
 * @param aborted          whether the response was cut off (connection closed mid-way)
 */
public record RequestRecord(long startEpochMillis, String requestId, String traceId, InetAddress clientAddress,
                            String method, String path, String routeId, String upstream, String target, int status,
                            long bytesIn, long bytesOut, long durationNanos, long upstreamNanos, String consumer,
                            String userAgent, int retries, boolean aborted) {

    /** The client's IP as text, or null. */
    public String clientIp() {
        return clientAddress == null ? null : clientAddress.getHostAddress();
    }
}
