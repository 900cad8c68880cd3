package io.portico.core.server;

import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.http1.Http1Config;
import io.portico.core.config.ServerConfig;
import io.portico.core.upstream.ProxyClient;

import io.portico.core.telemetry.Telemetry;
import io.portico.core.telemetry.tracing.Tracing;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The client-facing listener: a Helidon WebServer with deliberate edge limits, one virtual thread per
 * request, and a single catch-all handler ({@link GatewayHandler}).
 *
 * <p>Edge limits (all from {@code server:}): request line ({@code max-request-line}, 414), header section
 * ({@code max-header-size}, 431) and count ({@code max-headers}, 431), body ({@code max-body-size}, 413,
 * enforced while streaming for chunked bodies too), header deadline ({@code header-timeout}), idle
 * keep-alive and stalled request bodies ({@code idle-timeout}) and concurrent connections
 * ({@code max-connections}).
 *
 * <p>{@link #start()} fails fast when the port cannot be bound. {@link #stop()} stops accepting, lets
 * requests in flight finish for up to {@code shutdown-grace}, then closes what is left.
 */
public final class GatewayServer {
    private static final Logger LOG = Logger.getLogger(GatewayServer.class.getName());
    /**
     * Helidon logs a bind failure as SEVERE with a stack trace; Portico reports it itself in one line
     * naming the config key, so that record is dropped (every other Helidon record passes).
     */
    private static final Logger HELIDON_STARTUP = Logger.getLogger("io.helidon.webserver.LoomServer");

    static {
        HELIDON_STARTUP.setFilter(r -> r.getMessage() == null || !(r.getMessage().startsWith("Failed to start listener")
                || r.getMessage().startsWith("Helidon WebServer failed to start")));
    }

    private final ServerConfig config;
    private final WebServer server;
    private final ClientDeadlines deadlines;

    /**
     * @param snapshot supplies the current routes and upstreams; read once per request
     */
    public GatewayServer(ServerConfig config, Supplier<Snapshot> snapshot) {
        this(config, snapshot, Telemetry.metricsOnly(), Tracing.OFF);
    }

    /**
     * @param snapshot  supplies the current routes and upstreams; read once per request
     * @param telemetry told about every finished request (metrics, access log)
     * @param tracing   the request tracing ({@link Tracing#OFF} for none); closed by the caller
     */
    public GatewayServer(ServerConfig config, Supplier<Snapshot> snapshot, Telemetry telemetry, Tracing tracing) {
        this.config = config;
        this.deadlines = new ClientDeadlines(config.headerTimeout(), config.idleTimeout());
        Forwarding forwarding = new Forwarding(config.trustedProxies());
        Forwarder forwarder = new Forwarder(new ProxyClient(), forwarding, config.maxBodySize(), tracing);
        GatewayHandler handler = new GatewayHandler(snapshot, new EdgeChecks(config.maxHeaders()), forwarder,
                forwarding, config.maxBodySize(), telemetry, tracing);
        ProblemDirectHandler problems = new ProblemDirectHandler(new ProblemDirectHandler.ServerConfigView(
                config.maxBodySize(), config.maxRequestLine(), config.maxHeaderSize()));
        DirectHandlers.Builder direct = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            direct.addHandler(t, problems);
        }
        Duration idle = config.idleTimeout();
        Http1Config http1 = Http1Config.builder()
                .maxPrologueLength(config.maxRequestLine())
                .maxHeadersSize(config.maxHeaderSize())
                .validatePath(true)
                .validatePrologue(true)
                .validateRequestHeaders(true)
                .validateRequestHostHeader(true)
                .addReceiveListener(deadlines)
                .build();
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)                       // Portico's own signal handling drains first
                .protocolsDiscoverServices(false)          // only our Http1Config; a discovered second one
                                                           // disables idle-closing of silent connections
                .shutdownGracePeriod(config.shutdownGrace())
                .maxPayloadSize(config.maxBodySize())
                .maxTcpConnections(config.maxConnections())
                .maxConcurrentRequests(-1)
                .idleConnectionTimeout(idle)
                .idleConnectionPeriod(Duration.ofMillis(Math.max(250, Math.min(5000, idle.toMillis() / 4))))
                .backlog(4096)
                // no Nagle: a response written in two parts must not wait for the client's delayed ACK
                .connectionOptions(o -> o.tcpNoDelay(true).socketKeepAlive(true))
                .directHandlers(direct.build())
                .errorHandling(ErrorHandling.builder().includeEntity(true).build())
                .contentEncoding(ContentEncodingContext.builder()
                        .contentEncodingsDiscoverServices(false)
                        .addContentEncoding(new PassThroughEncoding())
                        .build())
                .addConnectionSelector(new FramingGuardSelector("@default", http1, deadlines))
                .routing(r -> r.any(handler))
                .build();
    }

    /**
     * Binds and starts accepting.
     *
     * @throws IllegalStateException naming host and port when the port cannot be bound
     */
    public GatewayServer start() {
        server.start();
        if (!server.isRunning() || server.port() < 0) {
            deadlines.close();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
                    + " (server.port): the address is in use or not available");
        }
        return this;
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    /** Stops accepting, waits up to {@code shutdown-grace} for requests in flight, then closes. Blocking. */
    public void stop() {
        server.stop();
        deadlines.close();
        LOG.fine("gateway listener stopped");
    }
}
