package io.portico.core.admin;

import io.portico.core.ConfigReload;
import io.portico.core.config.ConfigError;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.PartConfig;
import io.portico.core.config.RouteConfig;
import io.portico.core.server.Snapshot;
import io.portico.core.upstream.CircuitBreaker;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health/ready}: whether a load balancer should send this instance traffic, with the detail of
 * each check. Checks:
 * <ul>
 *   <li>{@code serving}: the gateway accepts requests (DOWN from the moment it starts draining);</li>
 *   <li>{@code config}: a configuration is loaded and serving (always UP once started: an invalid edit keeps
 *       the previous configuration serving), with the last reload attempt as information;</li>
 *   <li>{@code upstreams}: every upstream a route uses has at least one available target (healthy by active
 *       checks, not ejected by passive ones, circuit not open; half-open counts as available); an upstream
 *       with no target is DOWN. Required unless {@code admin.ready-requires-healthy-targets: false}, in which
 *       case it is still reported but does not make the instance unready.</li>
 * </ul>
 * Stateless; each call reads the live state.
 */
final class Readiness {
    private final AdminSources sources;
    private final boolean targetsRequired;

    Readiness(AdminSources sources, boolean targetsRequired) {
        this.sources = sources;
        this.targetsRequired = targetsRequired;
    }

    /** The verdict and its JSON document. */
    record Result(boolean up, String json) {
    }

    Result check() {
        boolean serving = sources.serving().getAsBoolean();
        JsonWriter w = new JsonWriter().beginObject();
        if (!sources.api()) { // probes-only listener
            return new Result(serving, w.field("status", serving ? "UP" : "DOWN").endObject().toString());
        }
        GatewayConfig config = sources.config().get();
        Snapshot snapshot = sources.snapshot().get();
        boolean configUp = config != null && snapshot != null;

        Map<String, int[]> upstreams = new LinkedHashMap<>(); // name -> {available, total}
        boolean targetsUp = true;
        if (configUp) {
            long now = System.nanoTime();
            for (RouteConfig r : config.routes()) {
                List<String> names = r.aggregate().map(a -> a.parts().stream().map(PartConfig::upstream).toList())
                        .orElseGet(() -> List.of(r.upstream()));
                for (String name : names) {
                    if (upstreams.containsKey(name)) {
                        continue;
                    }
                    Upstream u = snapshot.upstreams().get(name);
                    int[] counts = {u == null ? 0 : available(u, now), u == null ? 0 : u.targets().size()};
                    upstreams.put(name, counts);
                    targetsUp &= counts[0] > 0;
                }
            }
        }
        boolean up = serving && configUp && (targetsUp || !targetsRequired);

        w.field("status", up ? "UP" : "DOWN").name("checks").beginObject();
        w.name("serving").beginObject().field("status", serving ? "UP" : "DOWN").endObject();
        w.name("config").beginObject().field("status", configUp ? "UP" : "DOWN");
        if (config != null) {
            w.field("source", config.source().toString())
                    .field("routes", config.routes().size())
                    .field("upstreams", config.upstreams().size());
        }
        ConfigReload.Status last = sources.lastReload().get();
        if (last != null) {
            w.name("lastReload").beginObject()
                    .field("at", Texts.instant(last.at()))
                    .field("applied", last.applied())
                    .field("failed", !last.errors().isEmpty())
                    .name("errors").beginArray();
            for (ConfigError e : last.errors()) {
                ConfigErrors.write(w, e);
            }
            w.endArray().endObject();
        }
        w.endObject();
        w.name("upstreams").beginObject()
                .field("status", targetsUp ? "UP" : "DOWN")
                .field("required", targetsRequired)
                .name("upstreams").beginObject();
        upstreams.forEach((name, c) -> w.name(name).beginObject()
                .field("status", c[0] > 0 ? "UP" : "DOWN")
                .field("available", c[0])
                .field("targets", c[1])
                .endObject());
        w.endObject().endObject();
        return new Result(up, w.endObject().endObject().toString());
    }

    /** Targets of {@code u} available at {@code now}: healthy, not ejected, circuit not open. */
    static int available(Upstream u, long now) {
        int n = 0;
        for (Target t : u.targets()) {
            CircuitBreaker cb = t.breaker();
            if (t.health().available(now) && (cb == null || !cb.openAt(now))) {
                n++;
            }
        }
        return n;
    }
}
