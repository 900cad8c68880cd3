package io.portico.core.chain;

import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.api.Query;
import io.portico.api.Request;
import io.portico.core.config.FilterConfig;
import io.portico.core.config.FilterConfig.OnError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Factories, config entries and a socket-free exchange for chain tests. */
final class TestFilters {
    private TestFilters() {
    }

    /** The config record of the test factories. */
    record Cfg(String name) {
    }

    /** A factory of {@code type} in {@code phase} whose filters {@code make} builds. */
    static FilterFactory<Cfg> factory(String type, Phase phase, BiFunction<Cfg, FilterContext, GatewayFilter> make) {
        return new FilterFactory<>() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Phase phase() {
                return phase;
            }

            @Override
            public Class<Cfg> configType() {
                return Cfg.class;
            }

            @Override
            public GatewayFilter create(Cfg config, FilterContext context) {
                return make.apply(config, context);
            }
        };
    }

    /** A lookup over the given factories. */
    static FilterFactoryLookup lookup(FilterFactory<?>... factories) {
        Map<String, FilterFactory<?>> m = new HashMap<>();
        for (FilterFactory<?> f : factories) {
            m.put(f.type(), f);
        }
        return m::get;
    }

    static FilterConfig entry(String type, String name, int line) {
        return new FilterConfig(type, Map.of(), OnError.FAIL_CLOSED, List.of(), List.of(), new Cfg(name),
                "test.yaml", line);
    }

    static FilterConfig entry(String type, String name, int line, OnError onError, List<String> before,
                              List<String> after) {
        return new FilterConfig(type, Map.of(), onError, before, after, new Cfg(name), "test.yaml", line);
    }

    /** Records what a filter did into a shared log, as {@code name.callback}. */
    static class Recording implements GatewayFilter {
        final String name;
        final List<String> log;

        Recording(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public Decision onRequest(Exchange exchange) {
            log.add(name + ".request");
            return Decision.proceed();
        }

        @Override
        public void onResponse(Exchange exchange) {
            log.add(name + ".response");
        }

        @Override
        public void onComplete(Exchange exchange) {
            log.add(name + ".complete");
        }
    }

    /** An exchange without a server: a fixed GET request with no body. */
    static final class FakeExchange extends ExchangeBase {
        final List<String> log = new ArrayList<>();
        private final BufferedBody body;

        FakeExchange() {
            this(BufferedBody.of(null));
        }

        FakeExchange(BufferedBody body) {
            super("req-1", "route-1", "upstream-1");
            this.body = body;
        }

        @Override
        protected boolean upstreamExists(String name) {
            return name.startsWith("upstream");
        }

        @Override
        public Map<String, String> pathParams() {
            return Map.of();
        }

        @Override
        public String clientIp() {
            return "127.0.0.1";
        }

        @Override
        public Request request() {
            MutableHeaders headers = new MutableHeaders();
            MutableQuery query = new MutableQuery(null);
            return new Request() {
                @Override
                public String method() {
                    return "GET";
                }

                @Override
                public String path() {
                    return "/";
                }

                @Override
                public String upstreamPath() {
                    return "/";
                }

                @Override
                public void upstreamPath(String path) {
                }

                @Override
                public Query query() {
                    return query;
                }

                @Override
                public MutableHeaders headers() {
                    return headers;
                }

                @Override
                public BufferedBody body() {
                    return body;
                }
            };
        }
    }
}
