package io.portico.core.config;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.RedisSettings;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole validated configuration tree of one gateway instance, as read from {@code conf/portico.yaml}
 * and the files it includes.
 *
 * <p>Immutable; built only by {@link ConfigLoader}, which guarantees every invariant documented on the
 * component records (so runtime code never re-validates). Safe to share between threads.
 *
 * @param source             the file this config was read from (absolute)
 * @param server             the client-facing listener and its edge limits
 * @param admin              the admin listener
 * @param plugins            where plugin jars are loaded from
 * @param scripts            where script filters are loaded from
 * @param demo               the embedded demo upstream (off unless configured)
 * @param upstreams          upstreams by name, in declaration order (the main file's, then each included
 *                           file's)
 * @param consumers          the {@code consumers:} (ids unique, API key hashes well-formed and unique)
 * @param redis              the {@code redis:} connection filters share, if configured
 * @param filters            global filters, run for every route before the route's own
 * @param routes             routes in declaration order (the main file's, then each included file's)
 * @param includedFiles      every file read through {@code include:}, in include order, absolute and
 *                           normalized; empty when there is none
 * @param includeDirectories the folder of every {@code include:} entry (for a glob, the folder it lists),
 *                           absolute and normalized, whether or not it exists
 * @param telemetry          access log and tracing settings; only a restart changes them
 */
public record GatewayConfig(Path source,
                            ServerConfig server,
                            AdminConfig admin,
                            DirConfig plugins,
                            DirConfig scripts,
                            DemoConfig demo,
                            Map<String, UpstreamConfig> upstreams,
                            List<ConfiguredConsumer> consumers,
                            Optional<RedisSettings> redis,
                            List<FilterConfig> filters,
                            List<RouteConfig> routes,
                            List<Path> includedFiles,
                            Set<Path> includeDirectories,
                            TelemetryConfig telemetry) {
    public GatewayConfig {
        telemetry = telemetry == null ? TelemetryConfig.DEFAULT : telemetry;
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        consumers = List.copyOf(consumers);
        filters = List.copyOf(filters);
        routes = List.copyOf(routes);
        includedFiles = List.copyOf(includedFiles);
        includeDirectories = Collections.unmodifiableSet(new LinkedHashSet<>(includeDirectories));
    }

    /**
     * The folders a change of this config can appear in: the folder of {@link #source()}, then
     * {@link #includeDirectories()}, without repeats. Watching these folders (not the files) also sees
     * files that are replaced by a rename or a symlink swap, and new files matching an include glob.
     */
    public Set<Path> watchedDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        Path parent = source.toAbsolutePath().normalize().getParent();
        if (parent != null) {
            dirs.add(parent);
        }
        dirs.addAll(includeDirectories);
        return Collections.unmodifiableSet(dirs);
    }

    /**
     * The top-level sections that only a restart can change ({@code server}, {@code admin}, {@code demo},
     * {@code plugins}, {@code scripts}, {@code telemetry}) and that differ between this configuration and {@code other}, in that
     * order; empty when none does.
     */
    public List<String> restartOnlyChanges(GatewayConfig other) {
        List<String> changed = new java.util.ArrayList<>();
        if (!server.equals(other.server)) {
            changed.add("server");
        }
        if (!admin.equals(other.admin)) {
            changed.add("admin");
        }
        if (!demo.equals(other.demo)) {
            changed.add("demo");
        }
        if (!plugins.equals(other.plugins)) {
            changed.add("plugins");
        }
        if (!scripts.equals(other.scripts)) {
            changed.add("scripts");
        }
        if (!telemetry.equals(other.telemetry)) {
            changed.add("telemetry");
        }
        return List.copyOf(changed);
    }

    /**
     * This configuration with the sections that only a restart can change ({@code server}, {@code admin},
     * {@code plugins}, {@code scripts}, {@code demo}, {@code telemetry}) taken from {@code running}.
     */
    public GatewayConfig withRestartOnly(GatewayConfig running) {
        return new GatewayConfig(source, running.server, running.admin, running.plugins, running.scripts,
                running.demo, upstreams, consumers, redis, filters, routes, includedFiles, includeDirectories,
                running.telemetry);
    }
}
