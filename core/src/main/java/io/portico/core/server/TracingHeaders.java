package io.portico.core.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.portico.core.telemetry.tracing.HeadersGetter;
import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.telemetry.tracing.Tracing;

import java.net.InetSocketAddress;

/** The Helidon side of tracing: starting a request's span from a {@link ServerRequest}. */
final class TracingHeaders {
    private TracingHeaders() {
    }

    static RequestTrace start(Tracing tracing, ServerRequest req) {
        String host = req.headers().first(HeaderNames.HOST).orElse(null);
        if (host != null) {
            int colon = host.lastIndexOf(':');
            if (colon > 0 && host.indexOf(']', colon) < 0) {
                host = host.substring(0, colon);
            }
        }
        String client = req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : null;
        return tracing.startServer(req.headers(), HeadersGetter.INSTANCE, req.prologue().method().text(),
                req.prologue().uriPath().rawPath(), host, client,
                req.headers().first(HeaderNames.USER_AGENT).orElse(null));
    }
}
