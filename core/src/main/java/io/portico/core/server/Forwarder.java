package io.portico.core.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.FilterChain;
import io.portico.core.chain.MutableHeaders;
import io.opentelemetry.api.trace.Span;
import io.portico.core.route.RouteMatch;
import io.portico.core.telemetry.RequestProgress;
import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.telemetry.tracing.Tracing;
import io.portico.core.upstream.ClientBodyException;
import io.portico.core.upstream.ProxyClient;
import io.portico.core.upstream.RequestHead;
import io.portico.core.upstream.Retries;
import io.portico.core.upstream.ResponseHead;
import io.portico.core.upstream.UpstreamResponse;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import io.portico.core.upstream.UpstreamFailure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Forwards one routed request to one target and streams the answer back.
 *
 * <p>Request side: hop-by-hop headers (and those named in {@code Connection}) are dropped, framing is
 * rebuilt (the client's {@code Content-Length} value is re-sent only after Helidon validated it; otherwise
 * chunked), {@code Host} is the target's unless the route preserves it, and the forwarding headers follow
 * {@link Forwarding}. Up to {@link #PREFETCH} bytes of the body are read <em>before</em> the upstream is
 * contacted, so a malformed or oversized small body is rejected with the upstream seeing nothing.
 *
 * <p>Response side: status and end-to-end headers are copied, {@code Server} is replaced, and the body is
 * streamed with the upstream's {@code Content-Length} when it sent one. A failure after the response has
 * started aborts the client connection so a truncated body can never look complete.
 *
 * <p>Retries ({@code retries.attempts}): a connect failure (refused, reset, or no connection within
 * {@code timeouts.connect}) or a 502/503 head is tried again on another target when the method is
 * idempotent (or, for a connect failure, the request has no body, or no connection was made at all), the
 * body is wholly prefetched, and the upstream's {@link io.portico.core.upstream.RetryBudget} has a token.
 * Response timeouts are never retried; the last attempt's 502/503 is relayed as is. A target whose circuit breaker refuses the
 * request (nothing was sent) is replaced by another available target for any method, without using an
 * attempt or the budget; when none is left the answer is 503 {@code circuit-open} with {@code Retry-After}.
 *
 * <p>With a filter chain ({@link #forward(ServerRequest, ServerResponse, RouteMatch, Upstream, Target, String,
 * FilterChain, HelidonExchange)}) the request is the one the filters left: their header copy (then the
 * same hop-by-hop and forwarding rules), their path and query, and a body they read or replaced, sent
 * with a fresh {@code Content-Length} (and replayable for retries); the response goes through
 * {@link FilteredRelay}.
 *
 * <p>Blocking, on the request's virtual thread. Thread-safe (no per-request state in fields).
 */
final class Forwarder {
    static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    static final int PREFETCH = 16 * 1024;
    /** Fixed-length responses up to this size are read whole and sent in one write. */
    static final int SMALL_BODY = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(Forwarder.class.getName());
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final HeaderName X_FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    private static final HeaderName X_FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");
    private static final HeaderName FORWARDED = HeaderNames.create("Forwarded");
    /** Methods that may be repeated on any retryable outcome (RFC 9110 §9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    /** Never forwarded in either direction (RFC 9110 §7.6.1, plus framing the gateway rebuilds). */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "expect", "content-length", "host");
    /** Set by the gateway itself (after any trusted incoming value is folded in). */
    private static final Set<String> REPLACED = Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "forwarded", "x-request-id");
    /** Client-supplied forwarding headers; kept only from trusted proxies. */
    private static final Set<String> FORWARDING = Set.of("x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "forwarded", "x-real-ip");

    private final ProxyClient client;
    private final Forwarding forwarding;
    private final long maxBodySize;
    private final Tracing tracing;
    /** The client's propagation headers (lower case), replaced by the gateway's; null when tracing is off. */
    private final Set<String> propagation;

    Forwarder(ProxyClient client, Forwarding forwarding, long maxBodySize) {
        this(client, forwarding, maxBodySize, Tracing.OFF);
    }

    Forwarder(ProxyClient client, Forwarding forwarding, long maxBodySize, Tracing tracing) {
        this.client = client;
        this.forwarding = forwarding;
        this.maxBodySize = maxBodySize;
        this.tracing = tracing;
        this.propagation = tracing.enabled() ? tracing.propagationFields() : null;
    }

    void forward(ServerRequest req, ServerResponse res, RouteMatch match, Upstream upstream, Target target,
                 String requestId) {
        forward(req, res, match, upstream, target, requestId, null, null, null);
    }

    /**
     * Forwards with a filter chain: the request as the filters left it ({@code ex.request()}: path, query,
     * headers, a buffered or replaced body sent with a fresh {@code Content-Length}), then
     * {@code onResponse} on the upstream's answer before it is relayed. {@code chain} and {@code ex} are both
     * null for a route without filters.
     */
    void forward(ServerRequest req, ServerResponse res, RouteMatch match, Upstream upstream, Target target,
                 String requestId, FilterChain chain, HelidonExchange ex, RequestTrace trace) {
        ExchangeRequest xr = ex == null ? null : ex.request();
        BufferedBody inMemory = xr == null ? null : xr.bodyInMemoryOrFailed();
        BodySource body = null;
        byte[] fixed = null;
        if (inMemory != null && inMemory.failed()) {
            // a filter caught the failure and went on: the client's body is gone
            Problem p = inMemory.failure() instanceof ClientBodyException cbe ? clientBodyProblem(cbe)
                    : Problem.payloadTooLarge(maxBodySize);
            Responses.problem(req, res, p.withInstance(requestId), true);
            return;
        } else if (inMemory != null) {
            fixed = inMemory.content();
        } else {
            try {
                body = BodySource.prefetch(req);
            } catch (ClientBodyException e) {
                Responses.problem(req, res, clientBodyProblem(e).withInstance(requestId), true);
                return;
            }
        }

        var route = match.route().config();
        Duration timeout = route.timeout().orElse(upstream.responseTimeout());
        String pathAndQuery = xr != null ? xr.pathAndQuery() : req.prologue().hasQuery()
                ? match.upstreamPath() + "?" + req.query().rawValue()
                : match.upstreamPath();
        MutableHeaders filtered = xr == null ? null : xr.touchedHeaders();
        // decided before the first attempt: writing a streamed body reads it to its end
        boolean replayable = body == null || body.fullyRead();
        ProxyClient.Body upstreamBody;
        if (fixed != null) {
            byte[] bytes = fixed;
            upstreamBody = bytes.length == 0 && !req.content().hasEntity() ? null
                    : new ProxyClient.Body(out -> out.write(bytes), bytes.length, true);
        } else {
            upstreamBody = body == null ? null
                    : new ProxyClient.Body(body::writeTo, body.contentLength(), replayable);
        }
        String method = req.prologue().method().text();
        boolean idempotent = IDEMPOTENT.contains(method);

        Retries retries = new Retries(upstream);
        UpstreamResponse upstreamRes;
        UpstreamFailure failure;
        Span attempt = null; // the CLIENT span of the current attempt (tracing on)
        int attempts = 0;
        while (true) {
            upstreamRes = null;
            failure = null;
            String host = route.preserveHost()
                    ? (filtered != null ? filtered.first("Host") : req.headers().first(HeaderNames.HOST))
                            .orElse(target.hostHeader())
                    : target.hostHeader();
            long sentAt = System.nanoTime(); // telemetry
            try {
                RequestHead head = filtered != null
                        ? requestHead(req, filtered, pathAndQuery, host, requestId)
                        : requestHead(req, req.headers(), pathAndQuery, host, requestId);
                if (trace != null) {
                    attempt = trace.startClient(method, upstream.name(), target, attempts, head);
                }
                attempts++;
                upstreamRes = client.send(upstream, target, head, upstreamBody, timeout);
            } catch (ClientBodyException e) {
                if (attempt != null) {
                    Tracing.endClient(attempt, 0, "client_body");
                }
                Responses.problem(req, res, clientBodyProblem(e).withInstance(requestId), true);
                return;
            } catch (UpstreamFailure e) {
                LOG.log(Level.FINE, () -> "request " + requestId + ": " + e.getMessage());
                failure = e;
            }
            RequestProgress.attempt(upstream, target, sentAt, failure); // telemetry
            Target next = null;
            boolean refused = failure != null && failure.kind() == UpstreamFailure.Kind.CIRCUIT_OPEN;
            boolean retry = retries.attemptsLeft() && replayable && retryableOutcome(upstreamRes, failure)
                    && (idempotent || (failure != null && (body == null || failure.nothingSent())));
            if (refused) {
                // nothing was sent: any request may go to another target, at no cost to the retry budget
                next = retries.afterRefusal(target);
            } else if (retry) {
                next = retries.afterFailure(target, true); // a single-target upstream is retried on its target
            }
            if (next == null) {
                break;
            }
            if (attempt != null) {
                endAttempt(attempt, upstreamRes, failure);
                attempt = null;
            }
            if (upstreamRes != null) {
                upstreamRes.close(); // a 502/503 that is retried is never relayed
            }
            if (LOG.isLoggable(Level.FINE)) {
                LOG.fine("request " + requestId + ": retrying on " + next + " after "
                        + (failure != null ? failure.kind() : "status " + upstreamRes.head().status()) + " from " + target);
            }
            if (!refused) {
                RequestProgress.retried(); // telemetry
            }
            target = next;
        }
        if (upstreamRes == null) {
            if (attempt != null) {
                endAttempt(attempt, null, failure);
            }
            Problem p = switch (failure.kind()) {
                case TIMEOUT, CONNECT_TIMEOUT -> Problem.gatewayTimeout();
                case CIRCUIT_OPEN -> {
                    res.header(GatewayHandler.RETRY_AFTER, Long.toString(Math.max(1, upstream.retryAfterSeconds())));
                    yield Problem.circuitOpen(upstream.name());
                }
                case CONNECT, PROTOCOL -> Problem.badGateway();
            };
            Responses.problem(req, res, p.withInstance(requestId), body != null && !body.fullyRead());
            return;
        }
        try (UpstreamResponse relayed = upstreamRes) {
            if (Responses.clientAskedToClose(req)) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            if (chain == null) {
                relay(req, res, relayed);
            } else {
                FilteredRelay.relay(req, res, relayed, chain, ex, maxBodySize);
            }
        } finally {
            if (attempt != null) {
                endAttempt(attempt, upstreamRes, null); // after the upstream body was relayed
            }
        }
    }

    /**
     * The headers every part of an aggregate request carries: the client's headers as the filters left them
     * (or as received), under the same rules as a forwarded request (hop-by-hop and untrusted forwarding
     * headers dropped, the gateway's forwarding headers and {@code X-Request-Id} added). The head's method
     * and target are placeholders.
     */
    RequestHead forwardedHeaders(ServerRequest req, HelidonExchange ex, String requestId) {
        MutableHeaders filtered = ex == null ? null : ex.request().touchedHeaders();
        return filtered != null ? requestHead(req, filtered, "/", "", requestId)
                : requestHead(req, req.headers(), "/", "", requestId);
    }

    private static void endAttempt(Span attempt, UpstreamResponse response, UpstreamFailure failure) {
        Tracing.endClient(attempt, response != null ? response.head().status() : 0,
                failure != null ? failure.kind().name().toLowerCase(Locale.ROOT) : null);
    }

    /** A connect failure (nothing was processed) or a 502/503 from the target; never a timeout. */
    private static boolean retryableOutcome(UpstreamResponse response, UpstreamFailure failure) {
        if (failure != null) {
            return failure.kind() == UpstreamFailure.Kind.CONNECT || failure.kind() == UpstreamFailure.Kind.CONNECT_TIMEOUT;
        }
        int status = response.head().status();
        return status == 502 || status == 503;
    }

    private RequestHead requestHead(ServerRequest req, Headers in, String pathAndQuery, String host,
                                    String requestId) {
        RequestHead out = new RequestHead(req.prologue().method().text(), pathAndQuery);
        Set<String> named = connectionNamed(in);
        InetAddress peer = peerAddress(req.remotePeer().address());
        boolean trusted = forwarding.trusts(peer);
        String clientHost = in.first(HeaderNames.HOST).orElse("");
        out.add("Host", host);
        for (Header h : in) {
            String n = h.headerName().lowerCase();
            if (HOP_BY_HOP.contains(n) || (named != null && named.contains(n))
                    || (!trusted && FORWARDING.contains(n)) || REPLACED.contains(n)
                    || (propagation != null && propagation.contains(n))) {
                continue;
            }
            String name = h.name();
            for (String v : h.allValues()) {
                out.add(name, v);
            }
        }
        String fwdHost = trusted ? in.first(X_FORWARDED_HOST).orElse(clientHost) : clientHost;
        return forwardingHeaders(out, peer, trusted ? joined(in, X_FORWARDED_FOR) : null,
                trusted ? in.first(X_FORWARDED_PROTO).orElse("http") : "http", fwdHost,
                trusted ? joined(in, FORWARDED) : null, clientHost, requestId);
    }

    /** The same as the Helidon-headers variant, over the header list filters changed. */
    private RequestHead requestHead(ServerRequest req, MutableHeaders in, String pathAndQuery, String host,
                                    String requestId) {
        RequestHead out = new RequestHead(req.prologue().method().text(), pathAndQuery);
        Set<String> named = null;
        for (String v : in.all("Connection")) {
            if (named == null) {
                named = new HashSet<>();
            }
            named.addAll(tokens(v));
        }
        InetAddress peer = peerAddress(req.remotePeer().address());
        boolean trusted = forwarding.trusts(peer);
        String clientHost = in.first("Host").orElse("");
        out.add("Host", host);
        for (int i = 0; i < in.size(); i++) {
            String name = in.name(i);
            String n = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(n) || (named != null && named.contains(n))
                    || (!trusted && FORWARDING.contains(n)) || REPLACED.contains(n)
                    || (propagation != null && propagation.contains(n))) {
                continue;
            }
            out.add(name, in.value(i));
        }
        String fwdHost = trusted ? in.first("X-Forwarded-Host").orElse(clientHost) : clientHost;
        return forwardingHeaders(out, peer, trusted ? joined(in.all("X-Forwarded-For")) : null,
                trusted ? in.first("X-Forwarded-Proto").orElse("http") : "http", fwdHost,
                trusted ? joined(in.all("Forwarded")) : null, clientHost, requestId);
    }

    private static RequestHead forwardingHeaders(RequestHead out, InetAddress peer, String trustedXff, String proto,
                                                 String fwdHost, String trustedForwarded, String clientHost,
                                                 String requestId) {
        String peerIp = peer == null ? "unknown" : peer.getHostAddress();
        out.add("X-Forwarded-For", Forwarding.xForwardedFor(trustedXff, peerIp));
        out.add("X-Forwarded-Proto", proto);
        if (!fwdHost.isEmpty()) {
            out.add("X-Forwarded-Host", fwdHost);
        }
        out.add("Forwarded", Forwarding.forwarded(trustedForwarded, peer, peerIp, clientHost, "http"));
        out.add("X-Request-Id", requestId);
        return out;
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(", ", values);
    }

    private static void relay(ServerRequest req, ServerResponse res, UpstreamResponse up) {
        ResponseHead head = up.head();
        res.status(Status.create(head.status(), head.reason()));
        Set<String> named = null;
        String connection = head.first("Connection");
        if (connection != null) {
            named = tokens(connection);
        }
        for (int i = 0; i < head.size(); i++) {
            String name = head.name(i);
            String n = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(n) || n.equals("server") || n.equals("x-request-id")
                    || (named != null && named.contains(n))) {
                continue; // Server and X-Request-Id are the gateway's own (set before routing)
            }
            String value = head.value(i);
            HeaderName headerName = HeaderNames.create(name);
            if (Latin1Header.needed(value)) {
                res.headers().add(new Latin1Header(headerName, value));
            } else {
                res.headers().add(headerName, value);
            }
        }
        int status = head.status();
        boolean noBody = req.prologue().method() == Method.HEAD || status == 204 || status == 304;
        long length = head.contentLength();
        if (noBody) {
            String declared = head.first("Content-Length");
            if (declared != null && req.prologue().method() == Method.HEAD) {
                res.header(HeaderNames.CONTENT_LENGTH, declared);
            }
            res.send();
            return;
        }
        if (length == 0) {
            res.send();
            return;
        }
        sendBody(res, up, length);
    }

    /**
     * Sends the upstream's body: read whole and sent in one write when it is small and of known length,
     * streamed otherwise; a failure mid-way aborts the client connection.
     */
    static void sendBody(ServerResponse res, UpstreamResponse up, long length) {
        try {
            if (length > 0 && length <= SMALL_BODY) {
                // one write for head and body, no stream set-up: the common case for API responses
                res.send(up.body().readNBytes((int) length));
                return;
            }
        } catch (IOException | UncheckedIOException e) {
            throw new CloseConnectionException("upstream response aborted", e);
        }
        if (length > 0) {
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        }
        try (InputStream in = up.body(); OutputStream out = RequestProgress.counting(res.outputStream())) {
            in.transferTo(out);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // The status line may already be on the wire: the only honest signal left is closing the connection.
            throw new CloseConnectionException("response stream aborted", e);
        }
    }

    Problem clientBodyProblem(ClientBodyException e) {
        return e.status() == 413 ? Problem.payloadTooLarge(maxBodySize) : Problem.badRequest(e.getMessage());
    }

    private static String joined(Headers h, HeaderName name) {
        var values = h.values(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** Lower-case names listed in {@code Connection}, or null when there are none (the common case). */
    private static Set<String> connectionNamed(Headers h) {
        if (!h.contains(HeaderNames.CONNECTION)) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (String v : h.get(HeaderNames.CONNECTION).allValues()) {
            names.addAll(tokens(v));
        }
        return names;
    }

    static Set<String> tokens(String commaSeparated) {
        Set<String> names = new HashSet<>();
        for (String token : commaSeparated.split(",")) {
            String t = token.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                names.add(t);
            }
        }
        return names;
    }

    private static InetAddress peerAddress(SocketAddress a) {
        return a instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }
}
