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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin listener ({@code admin:}), separate from the client-facing one so that probes and operators are
 * never queued behind client traffic or exposed on the public port.
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process serves; no token.</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP","checks":{…}}} while the gateway accepts requests
 *       and, unless {@code admin.ready-requires-healthy-targets: false}, every upstream a route uses has an
 *       available target; 503 {@code {"status":"DOWN",…}} otherwise (always once it drains); no token. See
 *       {@link Readiness}.</li>
 *   <li>{@code GET /admin/routes}, {@code /admin/upstreams}, {@code /admin/plugins}, {@code /admin/scripts},
 *       {@code /admin/config} (JSON, secrets redacted) and {@code POST /admin/config/validate} (YAML body, at
 *       most 1 MB, else 413): see the {@code *Endpoint} classes and {@code docs/admin-api.md}.</li>
 *   <li>{@code /metrics} and {@code /admin/*}: need {@code Authorization: Bearer <admin.token>} when a token is
 *       configured (401 problem {@code unauthorized} with {@code WWW-Authenticate: Bearer realm="portico-admin"}
 *       otherwise); without a token the listener binds to loopback only (enforced when the config is loaded).</li>
 *   <li>Anything else: 404 problem; a method the endpoint does not answer: 405 with {@code Allow}. Every answer
 *       has {@code Cache-Control: no-store}; errors are {@code application/problem+json}.</li>
 * </ul>
 * Requests run on virtual threads and never touch the client listener. Start with {@link #start}, stop with
 * {@link #stop}.
 */
public final class AdminServer {
    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
    static final String REALM = "Bearer realm=\"portico-admin\"";

    /** Concurrent {@code POST /admin/config/validate} parses (each may hold up to 1 MB of YAML). */
    private static final int VALIDATIONS = 2;

    private final WebServer server;
    private final AdminAuth auth;
    private final AdminSources sources;
    private final Readiness readiness;
    private final Map<String, Function<AdminSources, String>> getters = Map.of(
            "/admin/routes", RoutesEndpoint::render,
            "/admin/upstreams", UpstreamsEndpoint::render,
            "/admin/plugins", PluginsEndpoint::render,
            "/admin/scripts", ScriptsEndpoint::render,
            "/admin/config", ConfigEndpoint::render);
    private final Semaphore validations = new Semaphore(VALIDATIONS);

    private final GatewayMetrics metrics; // null: no /metrics

    private AdminServer(AdminConfig config, AdminSources sources, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.auth = new AdminAuth(config.token());
        this.sources = sources;
        this.readiness = new Readiness(sources, config.readyRequiresHealthyTargets());
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
        return start(config, AdminSources.probesOnly(ready), null);
    }

    /**
     * Binds and starts the admin listener with the probes and {@code GET /metrics} (Prometheus text 0.0.4) from
     * {@code metrics} behind the admin token (for tests of the metrics alone).
     *
     * @throws IllegalStateException naming host and port when the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, BooleanSupplier ready, GatewayMetrics metrics) {
        return start(config, AdminSources.probesOnly(ready), metrics);
    }

    /**
     * Binds and starts the admin listener with the admin API over {@code sources} (no {@code /metrics}).
     *
     * @throws IllegalStateException naming host and port when the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, AdminSources sources) {
        return start(config, sources, null);
    }

    /**
     * Binds and starts the admin listener with the admin API over {@code sources} and {@code GET /metrics}
     * (Prometheus text 0.0.4) from {@code metrics}, both behind the admin token.
     *
     * @param metrics the gateway's metrics, or null for no {@code /metrics}
     * @throws IllegalStateException naming host and port when the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, AdminSources sources, GatewayMetrics metrics) {
        AdminServer admin = new AdminServer(config, sources, metrics);
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
        Method method = req.prologue().method();
        if (path.equals("/health/live") || path.equals("/health/ready")) {
            if (!readOnly(method, res)) {
                return;
            }
            if (path.equals("/health/live")) {
                json(res, Status.OK_200, UP);
            } else {
                Readiness.Result r = readiness.check();
                json(res, r.up() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                        r.json().getBytes(StandardCharsets.UTF_8));
            }
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
        Function<AdminSources, String> getter = sources.api() ? getters.get(path) : null;
        try {
            if (getter != null) {
                if (readOnly(method, res)) {
                    json(res, Status.OK_200, getter.apply(sources).getBytes(StandardCharsets.UTF_8));
                }
            } else if (sources.api() && path.equals("/admin/config/validate")) {
                validate(req, res, method);
            } else {
                problem(res, new Problem(404, "not-found", "Not Found", "No admin endpoint at this path.", null));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "admin endpoint " + path + " failed", e);
            problem(res, new Problem(500, "internal-error", "Internal Server Error",
                    "The admin endpoint failed; see the gateway log.", null));
        }
    }

    /** GET and HEAD pass; anything else is answered 405 here. */
    private static boolean readOnly(Method method, ServerResponse res) {
        if (method == Method.GET || method == Method.HEAD) {
            return true;
        }
        res.header(HeaderNames.ALLOW, "GET, HEAD");
        problem(res, new Problem(405, "method-not-allowed", "Method Not Allowed",
                "This endpoint answers GET and HEAD.", null));
        return false;
    }

    private void validate(ServerRequest req, ServerResponse res, Method method) {
        if (method != Method.POST) {
            res.header(HeaderNames.ALLOW, "POST");
            problem(res, new Problem(405, "method-not-allowed", "Method Not Allowed",
                    "POST the YAML document to validate.", null));
            return;
        }
        Problem tooLarge = new Problem(413, "payload-too-large", "Payload Too Large",
                "The document exceeds the limit of " + ValidateEndpoint.MAX_BYTES + " bytes.", null);
        if (req.headers().contentLength().orElse(0) > ValidateEndpoint.MAX_BYTES) {
            res.header(HeaderNames.CONNECTION, "close"); // the body is not read
            problem(res, tooLarge);
            return;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(ValidateEndpoint.MAX_BYTES + 1);
        } catch (IOException | UncheckedIOException e) {
            problem(res, Problem.badRequest("The request body could not be read."));
            return;
        }
        if (body.length > ValidateEndpoint.MAX_BYTES) {
            res.header(HeaderNames.CONNECTION, "close");
            problem(res, tooLarge);
            return;
        }
        boolean permitted;
        try {
            permitted = validations.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            permitted = false;
        }
        if (!permitted) {
            res.header(HeaderNames.RETRY_AFTER, "1");
            problem(res, new Problem(503, "busy", "Service Unavailable",
                    "Too many validations at once; try again.", null));
            return;
        }
        try {
            String out = ValidateEndpoint.render(sources, new String(body, StandardCharsets.UTF_8));
            json(res, Status.OK_200, out.getBytes(StandardCharsets.UTF_8));
        } finally {
            validations.release();
        }
    }

    private static void json(ServerResponse res, Status status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
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
