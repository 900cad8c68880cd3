package io.portico.core.config;

/**
 * The admin listener ({@code admin:}): health probes, metrics and the admin API.
 *
 * @param host                        address to bind; {@code 127.0.0.1} unless a token is set, then
 *                                    {@code 0.0.0.0} by default
 * @param port                        TCP port (0 picks a free port), default 9090; -1 disables the admin listener
 * @param token                       bearer token for {@code /metrics} and {@code /admin/*}; empty means none
 *                                    (loopback only)
 * @param readyRequiresHealthyTargets {@code ready-requires-healthy-targets} (default true): whether
 *                                    {@code /health/ready} also needs, for every upstream a route uses, at least
 *                                    one available target (healthy, not ejected, circuit not open)
 */
public record AdminConfig(String host, int port, String token, boolean readyRequiresHealthyTargets) {
    /** An admin section with the default readiness rule (healthy targets required). */
    public AdminConfig(String host, int port, String token) {
        this(host, port, token, true);
    }

    public static AdminConfig defaults() {
        return new AdminConfig("127.0.0.1", 9090, "", true);
    }
}
