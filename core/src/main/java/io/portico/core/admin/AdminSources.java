package io.portico.core.admin;

import io.portico.core.ConfigReload;
import io.portico.core.Gateway;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.GatewayConfig;
import io.portico.core.plugin.PluginHost;
import io.portico.core.plugin.PluginStatus;
import io.portico.core.script.ScriptLibrary;
import io.portico.core.script.ScriptSlot;
import io.portico.core.server.Snapshot;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the admin listener reads: each part is a live view, asked on every request (nothing is cached), so
 * the answers follow reloads. Immutable.
 *
 * @param serving    whether the gateway accepts requests (false once it drains)
 * @param config     the configuration in effect; null for a probes-only listener (no {@code /admin/*} endpoints)
 * @param snapshot   the routing snapshot in effect (routes, upstreams with their live state, chains)
 * @param lastReload the last config reload attempt, or null before the first (or without a watcher)
 * @param plugins    {@link PluginHost#status()}
 * @param scripts    {@link ScriptLibrary#slots()}
 * @param loader     validates {@code POST /admin/config/validate} bodies (with the running filter types)
 */
public record AdminSources(BooleanSupplier serving,
                           Supplier<GatewayConfig> config,
                           Supplier<Snapshot> snapshot,
                           Supplier<ConfigReload.Status> lastReload,
                           Supplier<List<PluginStatus>> plugins,
                           Supplier<List<ScriptSlot>> scripts,
                           ConfigLoader loader) {
    public AdminSources {
        Objects.requireNonNull(serving, "serving");
    }

    /** Only the probes: {@code /health/ready} follows {@code serving}; {@code /admin/*} has no endpoint. */
    public static AdminSources probesOnly(BooleanSupplier serving) {
        return new AdminSources(serving, null, null, () -> null, List::of, List::of, null);
    }

    /**
     * The sources of a running gateway.
     *
     * @param plugins the plugin host, or null (no plugins listed)
     * @param scripts the script library, or null (no scripts listed)
     * @param loader  the loader the gateway reloads with (its filter types validate bodies)
     */
    public static AdminSources of(Gateway gateway, PluginHost plugins, ScriptLibrary scripts, ConfigLoader loader) {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(loader, "loader");
        return new AdminSources(gateway::serving, gateway::config, gateway::snapshot,
                () -> {
                    ConfigReload r = gateway.reload();
                    return r == null ? null : r.status();
                },
                plugins == null ? List::of : plugins::status,
                scripts == null ? List::of : scripts::slots,
                loader);
    }

    /** Whether the {@code /admin/*} endpoints are available. */
    boolean api() {
        return config != null && snapshot != null;
    }
}
