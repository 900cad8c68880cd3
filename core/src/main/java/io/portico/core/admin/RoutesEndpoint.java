package io.portico.core.admin;

import io.portico.core.chain.FilterChain;
import io.portico.core.chain.FilterEntry;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.RouteConfig;
import io.portico.core.server.Snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /admin/routes}: {@code {"routes":[{id, match, upstream, strip-prefix, preserve-host, timeout,
 * chain:[{type, phase}], filters:[…configured, redacted]}]}} in declaration order; {@code chain} is the filter
 * chain in effect, global filters included, in execution order. Stateless.
 */
final class RoutesEndpoint {
    private RoutesEndpoint() {
    }

    static String render(AdminSources sources) {
        GatewayConfig config = sources.config().get();
        Snapshot snapshot = sources.snapshot().get();
        List<Object> routes = new ArrayList<>();
        for (RouteConfig r : config.routes()) {
            Map<String, Object> m = ConfigView.route(r);
            List<Object> chain = new ArrayList<>();
            FilterChain c = snapshot.chain(r.id());
            if (c != null) {
                for (FilterEntry e : c.entries()) {
                    Map<String, Object> em = new LinkedHashMap<>();
                    em.put("type", e.type());
                    em.put("phase", e.phase().name().toLowerCase(Locale.ROOT));
                    em.put("location", e.location());
                    chain.add(em);
                }
            }
            m.put("chain", chain);
            routes.add(m);
        }
        return new JsonWriter().value(Map.of("routes", routes)).toString();
    }
}
