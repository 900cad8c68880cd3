package io.portico.core;

import io.portico.core.config.GatewayConfig;
import io.portico.core.route.RouteTable;
import io.portico.core.server.DemoUpstream;
import io.portico.core.server.GatewayServer;
import io.portico.core.server.Snapshot;
import io.portico.core.upstream.Upstreams;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One running gateway: the listener, the current routing snapshot and, if configured, the demo upstream.
 *
 * <p>{@link #start(GatewayConfig)} returns once every listener is bound, or throws (having released what
 * it started). {@link #stop()} drains: it stops accepting, lets requests in flight finish within
 * {@code server.shutdown-grace}, then closes upstream pools. Thread-safe.
 */
public final class Gateway {
    private final GatewayServer server;
    private final Upstreams upstreams;
    private final DemoUpstream demo;
    private final AtomicReference<Snapshot> snapshot;

    private Gateway(GatewayServer server, Upstreams upstreams, DemoUpstream demo, AtomicReference<Snapshot> snapshot) {
        this.server = server;
        this.upstreams = upstreams;
        this.demo = demo;
        this.snapshot = snapshot;
    }

    /**
     * Starts a gateway for a validated configuration.
     *
     * @throws IllegalStateException when a port cannot be bound (the message names the config key)
     */
    public static Gateway start(GatewayConfig config) {
        DemoUpstream demo = config.demo().enabled() ? new DemoUpstream(config.demo()).start() : null;
        Upstreams upstreams = new Upstreams(config.upstreams());
        AtomicReference<Snapshot> snapshot = new AtomicReference<>(
                new Snapshot(RouteTable.of(config.routes()), upstreams));
        try {
            GatewayServer server = new GatewayServer(config.server(), snapshot::get).start();
            return new Gateway(server, upstreams, demo, snapshot);
        } catch (RuntimeException e) {
            upstreams.close();
            if (demo != null) {
                demo.stop();
            }
            throw e;
        }
    }

    /** The client-facing port actually bound. */
    public int port() {
        return server.port();
    }

    /** The current routing snapshot. */
    public Snapshot snapshot() {
        return snapshot.get();
    }

    /** Drains and stops everything; blocks for at most about {@code server.shutdown-grace}. */
    public void stop() {
        server.stop();
        upstreams.close();
        if (demo != null) {
            demo.stop();
        }
    }
}
