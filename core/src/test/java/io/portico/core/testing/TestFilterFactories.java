package io.portico.core.testing;

import io.portico.api.BodyTooLargeException;
import io.portico.api.ConfigDefault;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.chain.FilterFactoryLookup;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Filter types for gateway tests, bound from YAML by the real loader. A new instance per test keeps what
 * the filters record ({@link #completed}) out of static fields.
 */
public final class TestFilterFactories implements FilterFactoryLookup {
    /** {@code onComplete} records "route status" here. */
    public final BlockingQueue<String> completed = new LinkedBlockingQueue<>();
    private final Map<String, FilterFactory<?>> factories = Map.of(
            "tweak", new Tweak(), "deny", new Deny(), "boom", new Boom(), "tag", new Tag(), "audit", new Audit());

    @Override
    public FilterFactory<?> factory(String type) {
        return factories.get(type);
    }

    /**
     * {@code tweak}: request and response changes.
     *
     * @param setHeaders     request headers to set
     * @param removeHeaders  request headers to remove
     * @param setQuery       query parameters to set
     * @param removeQuery    query parameters to remove
     * @param path           the upstream path to use
     * @param upperBody      replace the request body with its upper-case text
     * @param status         the response status to set
     * @param responseHeader a response header {@code name: value} to add
     * @param wrapResponse   replace the response body with {@code [<body>]}
     * @param peekResponse   read the response body, ignoring a {@link BodyTooLargeException}
     * @param echo           send what the exchange says upstream as {@code X-Echo-*} request headers
     */
    public record TweakConfig(Map<String, String> setHeaders, List<String> removeHeaders, Map<String, String> setQuery,
                              List<String> removeQuery, Optional<String> path,
                              @ConfigDefault("false") boolean upperBody, Optional<Integer> status,
                              Optional<String> responseHeader, @ConfigDefault("false") boolean wrapResponse,
                              @ConfigDefault("false") boolean peekResponse,
                              @ConfigDefault("false") boolean echo) {
    }

    static final class Tweak implements FilterFactory<TweakConfig> {
        @Override
        public String type() {
            return "tweak";
        }

        @Override
        public Phase phase() {
            return Phase.TRANSFORM;
        }

        @Override
        public Class<TweakConfig> configType() {
            return TweakConfig.class;
        }

        @Override
        public GatewayFilter create(TweakConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    var req = ex.request();
                    if (c.echo()) {
                        req.headers().set("X-Echo-Ip", ex.clientIp());
                        req.headers().set("X-Echo-Params", ex.pathParams().toString());
                        req.headers().set("X-Echo-Path", req.path() + " -> " + req.upstreamPath());
                        req.headers().set("X-Echo-Route", ex.routeId() + " " + req.method());
                    }
                    c.setHeaders().forEach(req.headers()::set);
                    c.removeHeaders().forEach(req.headers()::remove);
                    c.setQuery().forEach(req.query()::set);
                    c.removeQuery().forEach(req.query()::remove);
                    c.path().ifPresent(p -> req.upstreamPath(p.replace("{id}", ex.pathParams().getOrDefault("id", ""))));
                    if (c.upperBody()) {
                        req.body().replace(req.body().text().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                    }
                    return Decision.proceed();
                }

                @Override
                public void onResponse(Exchange ex) {
                    var res = ex.response();
                    c.status().ifPresent(res::status);
                    c.responseHeader().ifPresent(h -> {
                        int colon = h.indexOf(':');
                        res.headers().add(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
                    });
                    if (c.peekResponse()) {
                        try {
                            res.body().bytes();
                        } catch (BodyTooLargeException ignored) {
                            // the gateway must not relay the half-read body anyway
                        }
                    }
                    if (c.wrapResponse()) {
                        res.body().replace(("[" + res.body().text() + "]").getBytes(StandardCharsets.UTF_8));
                    }
                }
            };
        }
    }

    /** {@code deny}: answers a problem unless the request has header {@code unless}. */
    public record DenyConfig(@ConfigDefault("403") int status, String unless) {
    }

    static final class Deny implements FilterFactory<DenyConfig> {
        @Override
        public String type() {
            return "deny";
        }

        @Override
        public Phase phase() {
            return Phase.AUTHORIZE;
        }

        @Override
        public Class<DenyConfig> configType() {
            return DenyConfig.class;
        }

        @Override
        public GatewayFilter create(DenyConfig c, FilterContext context) {
            Decision.Respond no = Decision.problem(c.status(), "denied", "Forbidden", "Denied by the test filter.");
            return ex -> ex.request().headers().contains(c.unless()) ? Decision.proceed() : no;
        }
    }

    /** {@code boom}: throws in {@code onRequest} or {@code onResponse}. */
    public record BoomConfig(@ConfigDefault("request") String when) {
    }

    static final class Boom implements FilterFactory<BoomConfig> {
        @Override
        public String type() {
            return "boom";
        }

        @Override
        public Phase phase() {
            return Phase.QUOTA;
        }

        @Override
        public Class<BoomConfig> configType() {
            return BoomConfig.class;
        }

        @Override
        public GatewayFilter create(BoomConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    if (c.when().equals("request")) {
                        throw new IllegalStateException("secret internal detail");
                    }
                    return Decision.proceed();
                }

                @Override
                public void onResponse(Exchange ex) {
                    if (c.when().equals("response")) {
                        throw new IllegalStateException("secret internal detail");
                    }
                }
            };
        }
    }

    /** {@code tag}: adds response header {@code X-Tag: <value>} (also on answers made by filters). */
    public record TagConfig(String value) {
    }

    static final class Tag implements FilterFactory<TagConfig> {
        @Override
        public String type() {
            return "tag";
        }

        @Override
        public Phase phase() {
            return Phase.AUTHENTICATE;
        }

        @Override
        public Class<TagConfig> configType() {
            return TagConfig.class;
        }

        @Override
        public GatewayFilter create(TagConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    return Decision.proceed();
                }

                @Override
                public void onResponse(Exchange ex) {
                    ex.response().headers().add("X-Tag", c.value());
                }
            };
        }
    }

    /** {@code audit}: records {@code "<route> <status>"} in {@link #completed} from {@code onComplete}. */
    public record AuditConfig(Optional<String> label) {
    }

    final class Audit implements FilterFactory<AuditConfig> {
        @Override
        public String type() {
            return "audit";
        }

        @Override
        public Phase phase() {
            return Phase.AUTHENTICATE;
        }

        @Override
        public Class<AuditConfig> configType() {
            return AuditConfig.class;
        }

        @Override
        public GatewayFilter create(AuditConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    return Decision.proceed();
                }

                @Override
                public void onComplete(Exchange ex) {
                    completed.add(ex.routeId() + " " + ex.response().status());
                }
            };
        }
    }
}
