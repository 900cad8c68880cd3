package io.portico.core.config;

import java.time.Duration;
import java.util.List;

/**
 * The client-facing listener ({@code server:}) and its edge limits. Every limit is positive.
 *
 * @param host            address to bind, default {@code 0.0.0.0}
 * @param port            TCP port, 0..65535 (0 picks a free port), default 8080
 * @param maxBodySize     largest request body in bytes (413 above), default 10MB
 * @param maxRequestLine  longest request line in bytes (414 above), default 8KB, at least 8000
 * @param maxHeaderSize   largest header section in bytes (431 above), default 32KB
 * @param maxHeaders      most header fields in a request (431 above), default 100
 * @param headerTimeout   deadline to receive the request line and headers, default 10s
 * @param idleTimeout     idle keep-alive connections, and request bodies stalled this long, are closed; default 60s
 * @param maxConnections  most concurrent client connections, default 10000
 * @param trustedProxies  peers whose X-Forwarded-* and Forwarded headers are kept (CIDR blocks)
 * @param shutdownGrace   how long SIGTERM waits for in-flight requests, default 30s
 */
public record ServerConfig(String host,
                           int port,
                           long maxBodySize,
                           int maxRequestLine,
                           int maxHeaderSize,
                           int maxHeaders,
                           Duration headerTimeout,
                           Duration idleTimeout,
                           int maxConnections,
                           List<Cidr> trustedProxies,
                           Duration shutdownGrace) {
    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The values used when the file has no {@code server:} block. */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, 10L << 20, 8192, 32 << 10, 100,
                Duration.ofSeconds(10), Duration.ofSeconds(60), 10_000, List.of(), Duration.ofSeconds(30));
    }
}
