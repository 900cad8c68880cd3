package io.portico.core.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.core.telemetry.RequestProgress;
import io.portico.core.telemetry.Telemetry;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends a request's telemetry from the Helidon request and response: what was sent (status, body bytes
 * actually written) and the request facts the access log carries. Never throws.
 */
final class Completion {
    private static final Logger LOG = Logger.getLogger(Completion.class.getName());

    private Completion() {
    }

    /**
     * Response body bytes written: counted when streamed; else the length the one write sent (Helidon sets
     * {@code Content-Length} on it); 0 for HEAD, 1xx, 204, 304.
     */
    private static long bodyBytes(ServerRequest req, ServerResponse res, RequestProgress progress, boolean sent,
                                  int status) {
        if (progress.streamedBytes() >= 0) {
            return progress.streamedBytes();
        }
        if (!sent || req.prologue().method() == Method.HEAD || status < 200 || status == 204 || status == 304) {
            return 0;
        }
        return res.headers().contentLength().orElse(0L);
    }

    /** @param traceId the request's trace id (for the access log), or null when tracing is off */
    static void end(Telemetry telemetry, RequestProgress progress, ServerRequest req, ServerResponse res,
                    boolean aborted, String traceId) {
        try {
            boolean sent = res.isSent();
            // not sent: the gateway failed before answering (the handler answers 500 when it still can), unless a
            // streamed body was cut off after its first bytes: then the status line went out with them
            int status = sent || progress.streamedBytes() > 0 ? res.status().code() : 500;
            long bytesOut = bodyBytes(req, res, progress, sent, status);
            SocketAddress peer = req.remotePeer().address();
            String path = req.prologue().uriPath().rawPath(); // never the query: it may carry secrets
            telemetry.end(progress, peer instanceof InetSocketAddress isa ? isa.getAddress() : null,
                    req.prologue().method().text(), path, status,
                    req.headers().contentLength().orElse(0L), bytesOut,
                    req.headers().first(HeaderNames.USER_AGENT).orElse(null), traceId, aborted);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "request telemetry failed", e);
            telemetry.end(progress, null, null, null, 500, 0, 0, null, traceId, true); // unbinds, counts it
        }
    }
}
