package io.portico.core.server;

import io.portico.core.telemetry.tracing.Tracing;

/**
 * An error the gateway answers itself, rendered as RFC 9457 {@code application/problem+json}.
 *
 * <p>The {@code detail} must be client-safe: never a stack trace, class name, host name or address of an
 * upstream. Immutable and cheap; {@link #toJson()} allocates one string.
 *
 * @param status   HTTP status code
 * @param slug     short machine name, becomes the {@code type} URN ({@code urn:portico:problem:<slug>})
 * @param title    short human summary, stable per slug
 * @param detail   what happened in this case
 * @param instance the request id ({@code X-Request-Id}), or null when none exists yet
 *
 * <p>When tracing is on and a request span is current, {@link #toJson()} adds {@code traceId}.
 */
public record Problem(int status, String slug, String title, String detail, String instance) {

    public static final String CONTENT_TYPE = "application/problem+json";

    /** The {@code type} member. */
    public String type() {
        return "urn:portico:problem:" + slug;
    }

    /** This problem with the given request id as {@code instance}. */
    public Problem withInstance(String requestId) {
        return new Problem(status, slug, title, detail, requestId);
    }

    public String toJson() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":");
        Json.quote(sb, type());
        sb.append(",\"title\":");
        Json.quote(sb, title);
        sb.append(",\"status\":").append(status);
        sb.append(",\"detail\":");
        Json.quote(sb, detail);
        if (instance != null) {
            sb.append(",\"instance\":");
            Json.quote(sb, instance);
        }
        String traceId = Tracing.currentTraceId(); // the request's trace, when tracing is on
        if (traceId != null) {
            sb.append(",\"traceId\":\"").append(traceId).append('"');
        }
        return sb.append('}').toString();
    }

    // The gateway's own answers, one factory per case so wording stays consistent.

    public static Problem badRequest(String detail) {
        return new Problem(400, "bad-request", "Bad Request", detail, null);
    }

    public static Problem notFound() {
        return new Problem(404, "route-not-found", "Not Found", "No route matches this request.", null);
    }

    public static Problem payloadTooLarge(long limit) {
        return new Problem(413, "payload-too-large", "Payload Too Large",
                "The request body exceeds the limit of " + limit + " bytes.", null);
    }

    public static Problem uriTooLong(int limit) {
        return new Problem(414, "uri-too-long", "URI Too Long",
                "The request line exceeds the limit of " + limit + " bytes.", null);
    }

    public static Problem headersTooLarge(String detail) {
        return new Problem(431, "request-header-fields-too-large", "Request Header Fields Too Large", detail, null);
    }

    public static Problem badGateway() {
        return new Problem(502, "bad-gateway", "Bad Gateway",
                "The upstream service could not be reached or sent an invalid response.", null);
    }

    public static Problem noTarget(String upstream) {
        return new Problem(503, "no-healthy-target", "Service Unavailable",
                "Upstream '" + upstream + "' has no available target.", null);
    }

    public static Problem circuitOpen(String upstream) {
        return new Problem(503, "circuit-open", "Service Unavailable",
                "Upstream '" + upstream + "' is failing: its circuit breaker is open.", null);
    }

    public static Problem gatewayTimeout() {
        return new Problem(504, "gateway-timeout", "Gateway Timeout",
                "The upstream service did not answer in time.", null);
    }

    public static Problem internal() {
        return new Problem(500, "internal-error", "Internal Server Error",
                "The gateway failed to process this request.", null);
    }
}
