package io.portico.core.admin;

import io.portico.core.upstream.CircuitBreaker;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.TargetHealth;
import io.portico.core.upstream.Upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/upstreams}: {@code {"upstreams":{name:{targets:[{url, weight, health, ejected, circuit,
 * inFlight, available}], balancer, timeouts, retries, health?, circuit-breaker?}}}}. {@code health} is
 * {@code healthy}/{@code unhealthy} by the active checks, {@code unknown} where none are configured;
 * {@code circuit} is {@code closed}/{@code open}/{@code half-open}, or {@code none} without a circuit breaker.
 * Live values, read without locks. Stateless.
 */
final class UpstreamsEndpoint {
    private UpstreamsEndpoint() {
    }

    static String render(AdminSources sources) {
        long now = System.nanoTime();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Upstream u : sources.snapshot().get().upstreams().all()) {
            boolean active = u.config().health().flatMap(h -> h.active()).isPresent();
            List<Object> targets = new ArrayList<>();
            for (Target t : u.targets()) {
                TargetHealth h = t.health();
                CircuitBreaker cb = t.breaker();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("url", Redaction.url(t.url().toString()));
                m.put("weight", t.weight());
                m.put("health", !active ? "unknown" : h.healthy() ? "healthy" : "unhealthy");
                m.put("ejected", h.ejectedAt(now));
                m.put("circuit", cb == null ? "none" : cb.stateName(now));
                m.put("inFlight", t.inFlight());
                m.put("available", h.available(now) && (cb == null || !cb.openAt(now)));
                targets.add(m);
            }
            Map<String, Object> um = new LinkedHashMap<>();
            um.put("targets", targets);
            ConfigView.upstreamSettings(u.config(), um);
            out.put(u.name(), um);
        }
        return new JsonWriter().value(Map.of("upstreams", out)).toString();
    }
}
