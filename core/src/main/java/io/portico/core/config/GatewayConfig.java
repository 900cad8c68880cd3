package io.portico.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration tree of one gateway instance, as read from {@code conf/portico.yaml}.
 *
 * <p>Immutable; built only by {@link ConfigLoader}, which guarantees every invariant documented on the
 * component records (so runtime code never re-validates). Safe to share between threads.
 *
 * @param source    the file this config was read from (absolute)
 * @param server    the client-facing listener and its edge limits
 * @param admin     the admin listener
 * @param plugins   where plugin jars are loaded from
 * @param scripts   where script filters are loaded from
 * @param demo      the embedded demo upstream (off unless configured)
 * @param upstreams upstreams by name, in declaration order
 * @param filters   global filters, run for every route before the route's own
 * @param routes    routes in declaration order
 */
public record GatewayConfig(Path source,
                            ServerConfig server,
                            AdminConfig admin,
                            DirConfig plugins,
                            DirConfig scripts,
                            DemoConfig demo,
                            Map<String, UpstreamConfig> upstreams,
                            List<FilterConfig> filters,
                            List<RouteConfig> routes) {
    public GatewayConfig {
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreams));
        filters = List.copyOf(filters);
        routes = List.copyOf(routes);
    }

    /**
     * This configuration with the sections that only a restart can change ({@code server}, {@code admin},
     * {@code plugins}, {@code scripts}, {@code demo}) taken from {@code running}.
     */
    public GatewayConfig withRestartOnly(GatewayConfig running) {
        return new GatewayConfig(source, running.server, running.admin, running.plugins, running.scripts,
                running.demo, upstreams, filters, routes);
    }
}
