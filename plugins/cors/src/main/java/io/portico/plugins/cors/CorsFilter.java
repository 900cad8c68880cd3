package io.portico.plugins.cors;

import io.portico.api.AttributeKey;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Headers;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS at the gateway.
 *
 * <p><b>Preflight</b> ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}): answered
 * here, never forwarded: 204 with {@code Access-Control-Allow-Origin}, {@code -Allow-Methods},
 * {@code -Allow-Headers}, {@code -Allow-Credentials} (when enabled), {@code -Max-Age} (when set) and
 * {@code Vary}; or 403 problem {@code cors-denied} when the origin, the method or a requested header is not
 * allowed.
 *
 * <p><b>Other requests with {@code Origin}</b> are forwarded; {@link #onResponse} sets
 * {@code Access-Control-Allow-Origin} (the request's origin, or {@code *} for a wildcard without credentials),
 * {@code -Allow-Credentials} and {@code -Expose-Headers}, replacing any the upstream sent. A disallowed origin
 * gets no CORS headers (the browser then blocks the response). {@code Vary: Origin} is added to every response
 * whose CORS headers depend on the origin. Immutable, thread-safe; per-request state is in exchange attributes.
 */
final class CorsFilter implements GatewayFilter {
    /** The origin to allow on this response, set in onRequest for an allowed non-preflight request. */
    private static final AttributeKey<String> ALLOW_ORIGIN = AttributeKey.of("cors.allow-origin", String.class);
    /** Set when this filter answered a preflight (its answer already carries every header). */
    private static final AttributeKey<Boolean> PREFLIGHT = AttributeKey.of("cors.preflight", Boolean.class);

    private static final String PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    private final CorsConfig config;
    private final boolean anyOrigin;
    private final Set<String> origins;
    private final Set<String> methods;
    private final Set<String> allowedHeaders;
    private final String exposeHeaders;
    private final boolean variesByOrigin;

    CorsFilter(CorsConfig config) {
        this.config = config;
        this.anyOrigin = config.anyOrigin();
        this.origins = Set.copyOf(config.origins());
        this.methods = Set.copyOf(config.methods());
        this.allowedHeaders = config.headers().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.exposeHeaders = String.join(", ", config.exposeHeaders());
        this.variesByOrigin = !anyOrigin || config.credentials();
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Headers headers = exchange.request().headers();
        Optional<String> origin = headers.first("Origin");
        if (origin.isEmpty()) {
            return Decision.proceed();
        }
        Optional<String> allow = allowOrigin(origin.get());
        Optional<String> requestedMethod = headers.first("Access-Control-Request-Method");
        if ("OPTIONS".equals(exchange.request().method()) && requestedMethod.isPresent()) {
            exchange.attribute(PREFLIGHT, Boolean.TRUE);
            return preflight(allow, requestedMethod.get(), headers.all("Access-Control-Request-Headers"));
        }
        allow.ifPresent(a -> exchange.attribute(ALLOW_ORIGIN, a));
        return Decision.proceed();
    }

    @Override
    public void onResponse(Exchange exchange) {
        if (exchange.attribute(PREFLIGHT).isPresent()) {
            return;
        }
        Headers headers = exchange.response().headers();
        if (variesByOrigin) {
            addVary(headers);
        }
        Optional<String> allow = exchange.attribute(ALLOW_ORIGIN);
        if (allow.isEmpty()) {
            return;
        }
        headers.set("Access-Control-Allow-Origin", allow.get());
        if (config.credentials()) {
            headers.set("Access-Control-Allow-Credentials", "true");
        }
        if (!exposeHeaders.isEmpty()) {
            headers.set("Access-Control-Expose-Headers", exposeHeaders);
        }
    }

    /** The {@code Access-Control-Allow-Origin} value for {@code origin}, or empty when it is not allowed. */
    Optional<String> allowOrigin(String origin) {
        if (anyOrigin && !config.credentials()) {
            return Optional.of("*");
        }
        Optional<String> canonical = Origins.canonical(origin);
        if (canonical.isPresent() && (anyOrigin || origins.contains(canonical.get()))) {
            return Optional.of(origin.strip());
        }
        return Optional.empty();
    }

    private Decision preflight(Optional<String> allow, String method, java.util.List<String> requestHeaderLists) {
        if (allow.isEmpty()) {
            return denied("The origin is not allowed.");
        }
        if (!methods.contains(method.strip().toUpperCase(Locale.ROOT))) {
            return denied("The method is not allowed.");
        }
        String requested = requestHeaderLists.stream()
                .flatMap(list -> Arrays.stream(list.split(",")))
                .map(String::strip).filter(h -> !h.isEmpty()).collect(Collectors.joining(", "));
        if (!allowedHeaders.isEmpty() && !requested.isEmpty() && !Arrays.stream(requested.split(", "))
                .allMatch(h -> allowedHeaders.contains(h.toLowerCase(Locale.ROOT)))) {
            return denied("A requested header is not allowed.");
        }
        Decision.Respond ok = Decision.respond(204)
                .header("Access-Control-Allow-Origin", allow.get())
                .header("Access-Control-Allow-Methods", String.join(", ", config.methods()));
        String allowHeaders = allowedHeaders.isEmpty() ? requested : String.join(", ", config.headers());
        if (!allowHeaders.isEmpty()) {
            ok = ok.header("Access-Control-Allow-Headers", allowHeaders);
        }
        if (config.credentials()) {
            ok = ok.header("Access-Control-Allow-Credentials", "true");
        }
        if (config.maxAge().isPresent()) {
            ok = ok.header("Access-Control-Max-Age", Long.toString(config.maxAge().get().toSeconds()));
        }
        return ok.header("Vary", PREFLIGHT_VARY);
    }

    private static Decision.Respond denied(String detail) {
        return Decision.problem(403, "cors-denied", "Forbidden", "CORS preflight refused: " + detail)
                .header("Vary", PREFLIGHT_VARY);
    }

    /** Adds {@code Origin} to {@code Vary} unless it (or {@code *}) is already listed. */
    private static void addVary(Headers headers) {
        boolean listed = headers.all("Vary").stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::strip)
                .anyMatch(v -> v.equals("*") || v.equalsIgnoreCase("Origin"));
        if (!listed) {
            headers.add("Vary", "Origin");
        }
    }
}
