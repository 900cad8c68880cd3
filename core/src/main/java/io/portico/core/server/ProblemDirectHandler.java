package io.portico.core.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

import java.nio.charset.StandardCharsets;

/**
 * Renders the errors Helidon answers by itself (malformed requests, limits hit before routing) as
 * problem+json, so every error a client sees from the gateway has the same shape. Helidon's own message
 * is used only to tell causes apart, never echoed: it can contain request bytes.
 */
final class ProblemDirectHandler implements DirectHandler {
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");

    private final ServerConfigView limits;

    /** The limits to quote in messages. */
    record ServerConfigView(long maxBodySize, int maxRequestLine, int maxHeaderSize) {
    }

    ProblemDirectHandler(ServerConfigView limits) {
        this.limits = limits;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        Problem p = problemFor(status.code(), message);
        String requestId = RequestIds.generate();
        Status out = p.status() == 431 ? HEADERS_TOO_LARGE : (p.status() == status.code() ? status : Status.create(p.status()));
        return TransportResponse.builder()
                .status(out)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.CONTENT_TYPE)
                .header(HeaderNames.create("X-Request-Id"), requestId)
                .header(HeaderNames.SERVER, GatewayHandler.SERVER_NAME)
                .entity(p.withInstance(requestId).toJson().getBytes(StandardCharsets.UTF_8))
                .build();
    }

    Problem problemFor(int code, String message) {
        if (code == 400 && message != null && message.startsWith("Header size exceeded")) {
            return Problem.headersTooLarge("The request header section exceeds the limit of "
                    + limits.maxHeaderSize() + " bytes.");
        }
        return switch (code) {
            case 400 -> Problem.badRequest("The request is malformed.");
            case 413 -> Problem.payloadTooLarge(limits.maxBodySize());
            case 414 -> Problem.uriTooLong(limits.maxRequestLine());
            case 404 -> Problem.notFound();
            case 501 -> new Problem(501, "not-implemented", "Not Implemented",
                    "The request uses a transfer coding the gateway does not support.", null);
            case 505 -> new Problem(505, "http-version-not-supported", "HTTP Version Not Supported",
                    "The gateway accepts HTTP/1.1.", null);
            case 503 -> new Problem(503, "overloaded", "Service Unavailable",
                    "The gateway is at its request limit.", null);
            default -> code >= 500 ? Problem.internal()
                    : new Problem(code, "client-error", Status.create(code).reasonPhrase(), "The request was rejected.", null);
        };
    }
}
