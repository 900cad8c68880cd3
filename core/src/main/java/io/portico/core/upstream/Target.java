package io.portico.core.upstream;

import io.portico.core.config.TargetConfig;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * One upstream instance: where to connect, what to send as {@code Host}, the base path to prefix, and its
 * pool of keep-alive connections.
 *
 * <p>Shared by all requests; thread-safe. The address is resolved once, when the configuration is
 * loaded. {@link #toString()} is for logs only: an internal address must never reach a client.
 */
public final class Target {
    private final URI url;
    private final int weight;
    private final String hostHeader;
    private final String basePath;
    private final ConnectionPool pool;

    Target(TargetConfig config) {
        this.url = config.url();
        this.weight = config.weight();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        this.hostHeader = port == 80 ? url.getHost() : url.getHost() + ":" + port;
        String p = url.getRawPath();
        this.basePath = p == null || p.equals("/") ? "" : (p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
        this.pool = new ConnectionPool(new InetSocketAddress(url.getHost(), port), Upstream.MAX_IDLE_PER_TARGET,
                Upstream.POOL_IDLE_TIMEOUT);
    }

    /** The value of {@code Host} for requests to this target ({@code host} or {@code host:port}). */
    public String hostHeader() {
        return hostHeader;
    }

    /** The target URL's path without trailing slash ({@code ""} when none); prefixed to forwarded paths. */
    public String basePath() {
        return basePath;
    }

    public int weight() {
        return weight;
    }

    public URI url() {
        return url;
    }

    ConnectionPool pool() {
        return pool;
    }

    /** Idle connections currently pooled (for tests and the admin API). */
    public int idleConnections() {
        return pool.idleCount();
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
