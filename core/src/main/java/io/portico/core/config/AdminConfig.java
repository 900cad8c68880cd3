package io.portico.core.config;

/**
 * The admin listener ({@code admin:}): health probes, metrics and the admin API.
 *
 * @param host  address to bind; {@code 127.0.0.1} unless a token is set, then {@code 0.0.0.0} by default
 * @param port  TCP port (0 picks a free port), default 9090; -1 disables the admin listener
 * @param token bearer token for {@code /metrics} and {@code /admin/*}; empty means none (loopback only)
 */
public record AdminConfig(String host, int port, String token) {
    public static AdminConfig defaults() {
        return new AdminConfig("127.0.0.1", 9090, "");
    }
}
