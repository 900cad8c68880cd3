package io.portico.core.admin;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.RedisSettings;
import io.portico.core.config.AdminConfig;
import io.portico.core.config.FilterConfig;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.MatchConfig;
import io.portico.core.config.AggregateConfig;
import io.portico.core.config.PartConfig;
import io.portico.core.config.RouteConfig;
import io.portico.core.config.ServerConfig;
import io.portico.core.config.TargetConfig;
import io.portico.core.config.UpstreamConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration in effect as a tree of maps and lists keyed by the config file's own names, secrets
 * redacted ({@link Redaction}): what {@code /admin/config} shows, and the parts {@code /admin/routes} and
 * {@code /admin/upstreams} share with it. Filters are shown as their options (the YAML keys as written, after
 * {@code ${VAR}} substitution), not as the bound records, so the names match the documentation. Stateless.
 */
final class ConfigView {
    private ConfigView() {
    }

    static Map<String, Object> config(GatewayConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", c.source().toString());
        m.put("server", server(c.server()));
        m.put("admin", admin(c.admin()));
        m.put("plugins", Map.of("dir", c.plugins().dir().toString()));
        m.put("scripts", Map.of("dir", c.scripts().dir().toString()));
        Map<String, Object> demo = new LinkedHashMap<>();
        demo.put("enabled", c.demo().enabled());
        demo.put("host", c.demo().host());
        demo.put("port", c.demo().port());
        m.put("demo", demo);
        c.redis().ifPresent(r -> m.put("redis", redis(r)));
        Map<String, Object> ups = new LinkedHashMap<>();
        c.upstreams().forEach((name, u) -> ups.put(name, upstream(u)));
        m.put("upstreams", ups);
        List<Object> consumers = new ArrayList<>();
        for (ConfiguredConsumer cc : c.consumers()) {
            consumers.add(consumer(cc));
        }
        m.put("consumers", consumers);
        m.put("filters", filters(c.filters()));
        List<Object> routes = new ArrayList<>();
        for (RouteConfig r : c.routes()) {
            routes.add(route(r));
        }
        m.put("routes", routes);
        m.put("included-files", c.includedFiles().stream().map(Object::toString).toList());
        return m;
    }

    static Map<String, Object> server(ServerConfig s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", s.host());
        m.put("port", s.port());
        m.put("max-body-size", s.maxBodySize());
        m.put("max-request-line", s.maxRequestLine());
        m.put("max-header-size", s.maxHeaderSize());
        m.put("max-headers", s.maxHeaders());
        m.put("header-timeout", Texts.duration(s.headerTimeout()));
        m.put("idle-timeout", Texts.duration(s.idleTimeout()));
        m.put("max-connections", s.maxConnections());
        m.put("trusted-proxies", s.trustedProxies().stream().map(Object::toString).toList());
        m.put("shutdown-grace", Texts.duration(s.shutdownGrace()));
        return m;
    }

    static Map<String, Object> admin(AdminConfig a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", a.host());
        m.put("port", a.port());
        m.put("token", a.token().isEmpty() ? "" : Redaction.REDACTED);
        m.put("ready-requires-healthy-targets", a.readyRequiresHealthyTargets());
        return m;
    }

    static Map<String, Object> redis(RedisSettings r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", Redaction.url(r.url()));
        m.put("timeout", Texts.duration(r.timeout()));
        return m;
    }

    static Map<String, Object> consumer(ConfiguredConsumer cc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", cc.consumer().id());
        m.put("groups", List.copyOf(cc.consumer().groups()));
        m.put("scopes", List.copyOf(cc.consumer().scopes()));
        m.put("api-keys", Map.of("count", cc.apiKeys().size())); // never the hashes
        return m;
    }

    /** An upstream's settings (targets as configured; {@code /admin/upstreams} adds their live state). */
    static Map<String, Object> upstream(UpstreamConfig u) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> targets = new ArrayList<>();
        for (TargetConfig t : u.targets()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("url", Redaction.url(t.url().toString()));
            tm.put("weight", t.weight());
            targets.add(tm);
        }
        m.put("targets", targets);
        upstreamSettings(u, m);
        return m;
    }

    /** Everything of an upstream but its targets, into {@code m}. */
    static void upstreamSettings(UpstreamConfig u, Map<String, Object> m) {
        m.put("balancer", u.balancer().key());
        u.hashOn().ifPresent(h -> m.put("hash-on", h));
        m.put("timeouts", Map.of("connect", Texts.duration(u.connectTimeout()),
                "response", Texts.duration(u.responseTimeout())));
        m.put("retries", Map.of("attempts", u.retries().attempts()));
        u.health().ifPresent(h -> {
            Map<String, Object> hm = new LinkedHashMap<>();
            h.active().ifPresent(a -> {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("path", a.path());
                am.put("interval", Texts.duration(a.interval()));
                am.put("timeout", Texts.duration(a.timeout()));
                am.put("healthy", a.healthy());
                am.put("unhealthy", a.unhealthy());
                hm.put("active", am);
            });
            h.passive().ifPresent(p -> hm.put("passive",
                    Map.of("failures", p.failures(), "eject", Texts.duration(p.eject()))));
            m.put("health", hm);
        });
        u.circuitBreaker().ifPresent(cb -> {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("failure-ratio", cb.failureRatio());
            cm.put("window", cb.window());
            cm.put("open-for", Texts.duration(cb.openFor()));
            m.put("circuit-breaker", cm);
        });
    }

    static Map<String, Object> route(RouteConfig r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("match", match(r.match()));
        m.put("upstream", r.upstream());
        m.put("strip-prefix", r.stripPrefix().orElse(null));
        m.put("preserve-host", r.preserveHost());
        m.put("timeout", r.timeout().map(Texts::duration).orElse(null));
        m.put("filters", filters(r.filters()));
        r.aggregate().ifPresent(a -> m.put("aggregate", aggregate(a)));
        return m;
    }

    /** An aggregate route's merge and parts as configured (header values are templates: shown redacted). */
    static Map<String, Object> aggregate(AggregateConfig a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("merge", switch (a.merge()) {
            case AggregateConfig.Merge.Namespace n -> "namespace";
            case AggregateConfig.Merge.DeepMerge d -> "deep-merge";
            case AggregateConfig.Merge.Script s -> Map.of("script", s.file());
        });
        List<Object> parts = new ArrayList<>();
        for (PartConfig p : a.parts()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("upstream", p.upstream());
            pm.put("path", p.path().source());
            pm.put("method", p.method());
            Map<String, Object> headers = new TreeMap<>();
            p.headers().forEach((k, v) -> headers.put(k, v.source()));
            pm.put("headers", Redaction.value(headers));
            pm.put("timeout", p.timeout().map(Texts::duration).orElse(null));
            pm.put("optional", p.optional());
            pm.put("after", p.after());
            pm.put("extract", p.extract().orElse(null));
            parts.add(pm);
        }
        m.put("parts", parts);
        return m;
    }

    static Map<String, Object> match(MatchConfig match) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", match.path());
        m.put("methods", List.copyOf(new TreeSet<>(match.methods())));
        m.put("host", match.host().orElse(null));
        m.put("headers", Redaction.value(new TreeMap<>(match.headers())));
        m.put("query", Redaction.value(new TreeMap<>(match.query())));
        return m;
    }

    /** Filter entries as configured: {@code type}, the ordering keys, and the redacted options. */
    static List<Object> filters(List<FilterConfig> filters) {
        List<Object> out = new ArrayList<>();
        for (FilterConfig f : filters) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", f.type());
            if (f.onError() != FilterConfig.OnError.FAIL_CLOSED) {
                m.put("on-error", f.onError().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            if (!f.before().isEmpty()) {
                m.put("before", f.before());
            }
            if (!f.after().isEmpty()) {
                m.put("after", f.after());
            }
            new TreeMap<>(f.options()).forEach((k, v) -> m.put(k, Redaction.entry(k, v)));
            out.add(m);
        }
        return out;
    }
}
