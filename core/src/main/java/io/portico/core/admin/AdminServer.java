package io.portico.core.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.portico.core.config.AdminConfig;
import io.portico.core.server.Problem;
import io.portico.core.telemetry.GatewayMetrics;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The admin listener ({@code admin:}), separate from the client-facing one so that probes and operators are
 * never queued behind client traffic or exposed on the public port.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process serves; no token.</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP"}} while the gateway accepts requests, 503
 *       {@code {"status":"DOWN"}} once it drains; no token.</li>
 *   <li>{@code /metrics} and {@code /admin/*}: need {@code Authorization: Bearer <admin.token>} when a token is
 *       configured (401 problem {@code unauthorized} with {@code WWW-Authenticate: Bearer realm="portico-admin"}
 *       otherwise); without a token the listener binds to loopback only (enforced when the config is loaded).</li>
 *   <li>Anything else: 404 problem; a method other than GET/HEAD on a health path: 405.</li>
 * </ul>
 * Requests run on virtual threads and never touch the client listener. Start with {@link #start}, stop with
 * {@link #stop}.
 */
public final class AdminServer {
    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DOWN = "{\"status\":\"DOWN\"}".getBytes(StandardCharsets.UTF_8);
    static final String REALM = "Bearer realm=\"portico-admin\"";

    private final WebServer server;
    private final AdminAuth auth;
    private final BooleanSupplier ready;
    private final GatewayMetrics metrics; // null: no /metrics

    private AdminServer(AdminConfig config, BooleanSupplier ready, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.auth = new AdminAuth(config.token());
        this.ready = ready;
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .routing(r -> r.any(this::handle))
                .build();
    }

    /**
     * Binds and starts the admin listener.
     *
     * @param ready whether the gateway accepts requests (for {@code /health/ready})
     * @throws IllegalStateException naming host and port when the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, BooleanSupplier ready) {
        return start(config, ready, null);
    }

    /**
     * Binds and starts the admin listener, serving {@code GET /metrics} (Prometheus text 0.0.4) from
     * {@code metrics} behind the admin token.
     *
     * @param metrics the gateway's metrics, or null for no {@code /metrics}
     * @throws IllegalStateException naming host and port when the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, BooleanSupplier ready, GatewayMetrics metrics) {
        AdminServer admin = new AdminServer(config, ready, metrics);
        admin.server.start();
        if (!admin.server.isRunning() || admin.server.port() < 0) {
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
                    + " (admin.port): the address is in use or not available");
        }
        LOG.info(() -> "admin listener on http://" + config.host() + ":" + admin.port()
                + (admin.auth.required() ? " (token required for /metrics and /admin/*)" : " (loopback only, no token)"));
        return admin;
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** Stops the listener (requests in flight get a short grace). */
    public void stop() {
        server.stop();
    }

    private void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.equals("/health/live") || path.equals("/health/ready")) {
            if (req.prologue().method() != Method.GET && req.prologue().method() != Method.HEAD) {
                res.header(HeaderNames.ALLOW, "GET, HEAD");
                problem(res, new Problem(405, "method-not-allowed", "Method Not Allowed",
                        "Health endpoints answer GET and HEAD.", null));
                return;
            }
            boolean up = path.equals("/health/live") || ready.getAsBoolean();
            res.status(up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send(up ? UP : DOWN);
            return;
        }
        if (!auth.allows(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            res.header(HeaderNames.WWW_AUTHENTICATE, REALM);
            problem(res, new Problem(401, "unauthorized", "Unauthorized",
                    "The admin API requires Authorization: Bearer <admin.token>.", null));
            return;
        }
        if (path.equals("/metrics") && metrics != null) {
            metrics(req, res);
            return;
        }
        problem(res, new Problem(404, "not-found", "Not Found", "No admin endpoint at this path.", null));
    }

    /** {@code GET /metrics}: the Prometheus text format 0.0.4 (already behind the token). */
    private void metrics(ServerRequest req, ServerResponse res) {
        if (req.prologue().method() != Method.GET && req.prologue().method() != Method.HEAD) {
            res.header(HeaderNames.ALLOW, "GET, HEAD");
            problem(res, new Problem(405, "method-not-allowed", "Method Not Allowed",
                    "/metrics answers GET and HEAD.", null));
            return;
        }
        byte[] body = metrics.scrape();
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, GatewayMetrics.CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (req.prologue().method() == Method.HEAD) {
            res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
            res.send();
        } else {
            res.send(body);
        }
    }

    private static void problem(ServerResponse res, Problem p) {
        res.status(Status.create(p.status()));
        res.header(HeaderNames.CONTENT_TYPE, Problem.CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(p.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
