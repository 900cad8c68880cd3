package io.portico.core.chain;

import io.portico.api.BodyTooLargeException;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.chain.FilterStats.Callback;
import io.portico.core.chain.TestFilters.FakeExchange;
import io.portico.core.chain.TestFilters.Recording;
import io.portico.core.config.FilterConfig;
import io.portico.core.config.FilterConfig.OnError;
import io.portico.core.config.MatchConfig;
import io.portico.core.config.RouteConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Running chains over a socket-free exchange: order, decisions, errors, timings. */
class ChainExecutorTest {
    private final List<String> log = new ArrayList<>();
    private final List<LogRecord> records = new ArrayList<>();
    private final Logger executorLog = Logger.getLogger(ChainExecutor.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** Filter behaviour by config name; absent names record and proceed. */
    private final Map<String, Function<String, GatewayFilter>> behaviour = new HashMap<>();

    @BeforeEach
    void captureLog() {
        executorLog.addHandler(capture);
        executorLog.setUseParentHandlers(false);
    }

    @AfterEach
    void releaseLog() {
        executorLog.removeHandler(capture);
        executorLog.setUseParentHandlers(true);
    }

    private FilterFactory<TestFilters.Cfg> f(String type, Phase phase) {
        return TestFilters.factory(type, phase, (cfg, ctx) ->
                behaviour.getOrDefault(cfg.name(), n -> new Recording(n, log)).apply(cfg.name()));
    }

    private FilterChain chain(FilterConfig... entries) {
        var lookup = TestFilters.lookup(f("auth", Phase.AUTHENTICATE), f("acl", Phase.AUTHORIZE),
                f("limit", Phase.QUOTA), f("transform", Phase.TRANSFORM));
        RouteConfig route = new RouteConfig("r", new MatchConfig("/**", Set.of(), Optional.empty(), Map.of(), Map.of()),
                "up", Optional.empty(), false, Optional.empty(), List.of(entries), 1);
        return new ChainBuilder(lookup, 100).build(List.of(), List.of(route)).get("r");
    }

    private static FilterConfig e(String type, String name) {
        return TestFilters.entry(type, name, 1);
    }

    private static FilterConfig open(String type, String name) {
        return TestFilters.entry(type, name, 2, OnError.FAIL_OPEN, List.of(), List.of());
    }

    /** Runs the whole exchange the way the server does, with an upstream answer of 200 when it proceeds. */
    private FakeExchange run(FilterChain chain) {
        FakeExchange ex = new FakeExchange();
        boolean proceed = ChainExecutor.onRequest(chain, ex);
        if (proceed) {
            log.add("upstream");
            ex.responseView(new MutableResponse(200, new MutableHeaders(), BufferedBody.of("up".getBytes())));
        }
        ChainExecutor.onResponse(chain, ex);
        ex.sent(ex.responseView().status());
        ChainExecutor.onComplete(chain, ex);
        return ex;
    }

    private Recording responding(String name, Decision decision) {
        return new Recording(name, log) {
            @Override
            public Decision onRequest(Exchange exchange) {
                super.onRequest(exchange);
                return decision;
            }
        };
    }

    private Recording throwingOnRequest(String name, RuntimeException error) {
        return new Recording(name, log) {
            @Override
            public Decision onRequest(Exchange exchange) {
                super.onRequest(exchange);
                throw error;
            }
        };
    }

    @Test
    void requestInOrderResponseInReverseCompleteForAll() {
        run(chain(e("transform", "t"), e("auth", "a"), e("limit", "q")));
        assertThat(log).containsExactly("a.request", "q.request", "t.request", "upstream",
                "t.response", "q.response", "a.response", "t.complete", "q.complete", "a.complete");
    }

    @Test
    void respondShortCircuitsAndEarlierFiltersStillSeeTheAnswer() {
        behaviour.put("q", n -> responding(n, Decision.respond(429).header("Retry-After", "3").body("slow down", "text/plain")));
        behaviour.put("a", n -> new Recording(n, log) {
            @Override
            public void onResponse(Exchange exchange) {
                super.onResponse(exchange);
                log.add("a saw " + exchange.response().status() + " " + exchange.response().body().text());
                exchange.response().headers().set("X-Seen", "a");
            }
        });
        FakeExchange ex = run(chain(e("auth", "a"), e("limit", "q"), e("transform", "t")));
        assertThat(log).containsExactly("a.request", "q.request", "q.response", "a.response", "a saw 429 slow down",
                "q.complete", "a.complete");
        assertThat(ex.responseView().headers().first("Retry-After")).contains("3");
        assertThat(ex.responseView().headers().first("Content-Type")).contains("text/plain");
        assertThat(ex.responseView().headers().first("X-Seen")).contains("a");
    }

    @Test
    void aProblemDecisionIsRenderedWithTheRequestIdAsInstance() {
        behaviour.put("a", n -> responding(n, Decision.problem(401, "unauthorized", "Unauthorized", "No token.")));
        FakeExchange ex = run(chain(e("auth", "a")));
        assertThat(ex.responseView().status()).isEqualTo(401);
        assertThat(ex.responseView().headers().first("Content-Type")).contains("application/problem+json");
        assertThat(ex.responseView().body().text()).isEqualTo("{\"type\":\"urn:portico:problem:unauthorized\","
                + "\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"No token.\",\"instance\":\"req-1\"}");
    }

    @Test
    void failClosedAnswers500NamingTheFilterAndLogsSevere() {
        behaviour.put("q", n -> throwingOnRequest(n, new IllegalStateException("boom at 0x1234")));
        FakeExchange ex = run(chain(e("auth", "a"), e("limit", "q"), e("transform", "t")));
        assertThat(ex.responseView().status()).isEqualTo(500);
        String body = ex.responseView().body().text();
        assertThat(body).contains("\"type\":\"urn:portico:problem:filter-error\"")
                .contains("\"detail\":\"The filter 'limit' failed.\"").contains("\"instance\":\"req-1\"")
                .doesNotContain("boom").doesNotContain("IllegalState");
        // the failed filter gets no onResponse but does get onComplete; later filters never ran
        assertThat(log).containsExactly("a.request", "q.request", "a.response", "q.complete", "a.complete");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
            assertThat(r.getMessage()).contains("request req-1").contains("filter 'limit'").contains("test.yaml:1");
            assertThat(r.getThrown()).hasMessage("boom at 0x1234");
        });
    }

    @Test
    void failOpenLogsAWarningAndGoesOnAsIfTheFilterHadNotRun() {
        behaviour.put("q", n -> throwingOnRequest(n, new IllegalStateException("boom")));
        FakeExchange ex = run(chain(e("auth", "a"), open("limit", "q"), e("transform", "t")));
        assertThat(ex.responseView().status()).isEqualTo(200);
        assertThat(log).containsExactly("a.request", "q.request", "t.request", "upstream", "t.response", "a.response",
                "t.complete", "q.complete", "a.complete");
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("filter 'limit'").contains("fail-open");
        });
        assertThat(ex.filtersRun()).isEqualTo(3);
    }

    @Test
    void aFailingOnResponseReplacesTheResponseAndEarlierFiltersSeeTheProblem() {
        behaviour.put("t", n -> new Recording(n, log) {
            @Override
            public void onResponse(Exchange exchange) {
                throw new RuntimeException("bad");
            }
        });
        FakeExchange ex = run(chain(e("auth", "a"), e("transform", "t")));
        assertThat(ex.responseView().status()).isEqualTo(500);
        assertThat(ex.responseView().body().text()).contains("The filter 'transform' failed.");
        assertThat(log).containsExactly("a.request", "t.request", "upstream", "a.response", "t.complete", "a.complete");
    }

    @Test
    void aFailingOnResponseWithFailOpenKeepsTheResponse() {
        behaviour.put("t", n -> new Recording(n, log) {
            @Override
            public void onResponse(Exchange exchange) {
                throw new RuntimeException("bad");
            }
        });
        FakeExchange ex = run(chain(e("auth", "a"), open("transform", "t")));
        assertThat(ex.responseView().status()).isEqualTo(200);
        assertThat(records).singleElement().extracting(LogRecord::getLevel).isEqualTo(Level.WARNING);
    }

    @Test
    void onCompleteFailuresAreOnlyLoggedAndTheOthersStillRun() {
        behaviour.put("t", n -> new Recording(n, log) {
            @Override
            public void onComplete(Exchange exchange) {
                throw new RuntimeException("bad");
            }
        });
        FakeExchange ex = run(chain(e("auth", "a"), e("transform", "t")));
        assertThat(ex.responseView().status()).isEqualTo(200);
        assertThat(log).endsWith("a.complete");
        assertThat(records).singleElement().extracting(LogRecord::getLevel).isEqualTo(Level.WARNING);
    }

    @Test
    void bodyTooLargeIs413OnTheRequestSideAnd502OnTheResponseSide() {
        behaviour.put("t", n -> new Recording(n, log) {
            @Override
            public Decision onRequest(Exchange exchange) {
                exchange.request().body().bytes();
                return Decision.proceed();
            }
        });
        var chain = chain(open("transform", "t")); // even fail-open: the body is gone
        FakeExchange ex = new FakeExchange(new BufferedBody(true, -1, 100, limit -> {
            throw new BodyTooLargeException(limit);
        }));
        assertThat(ChainExecutor.onRequest(chain, ex)).isFalse();
        assertThat(ex.responseView().status()).isEqualTo(413);
        assertThat(ex.responseView().body().text()).contains("payload-too-large").contains("100 bytes");

        behaviour.put("u", n -> new Recording(n, log) {
            @Override
            public void onResponse(Exchange exchange) {
                exchange.response().body().text();
            }
        });
        var chain2 = chain(e("transform", "u"));
        FakeExchange ex2 = new FakeExchange();
        assertThat(ChainExecutor.onRequest(chain2, ex2)).isTrue();
        ex2.responseView(new MutableResponse(200, new MutableHeaders(), new BufferedBody(true, 500, 100, limit -> {
            throw new BodyTooLargeException(limit);
        })));
        ChainExecutor.onResponse(chain2, ex2);
        assertThat(ex2.responseView().status()).isEqualTo(502);
        assertThat(ex2.responseView().body().text()).contains("upstream-response-too-large");
    }

    @Test
    void theResponseIsNotAvailableInOnRequestAndFrozenInOnComplete() {
        List<Throwable> seen = new ArrayList<>();
        behaviour.put("a", n -> new Recording(n, log) {
            @Override
            public Decision onRequest(Exchange exchange) {
                try {
                    exchange.response();
                } catch (IllegalStateException ex) {
                    seen.add(ex);
                }
                return Decision.proceed();
            }

            @Override
            public void onComplete(Exchange exchange) {
                try {
                    exchange.response().status(201);
                } catch (IllegalStateException ex) {
                    seen.add(ex);
                }
            }
        });
        run(chain(e("auth", "a")));
        assertThat(seen).hasSize(2);
    }

    @Test
    void aNullDecisionIsAFilterBug() {
        behaviour.put("a", n -> responding(n, null));
        FakeExchange ex = run(chain(e("auth", "a")));
        assertThat(ex.responseView().status()).isEqualTo(500);
    }

    @Test
    void attributesAndConsumerAreSharedBetweenFilters() {
        var key = io.portico.api.AttributeKey.of("tenant", String.class);
        behaviour.put("a", n -> new Recording(n, log) {
            @Override
            public Decision onRequest(Exchange exchange) {
                exchange.attribute(key, "acme");
                exchange.consumer(new io.portico.api.Consumer("app", Set.of("g"), Map.of()));
                return Decision.proceed();
            }
        });
        behaviour.put("t", n -> new Recording(n, log) {
            @Override
            public Decision onRequest(Exchange exchange) {
                log.add(exchange.attribute(key).orElse("-") + "/" + exchange.consumer().map(c -> c.id()).orElse("-"));
                return Decision.proceed();
            }
        });
        run(chain(e("auth", "a"), e("transform", "t")));
        assertThat(log).contains("acme/app");
    }

    @Test
    void everyCallIsTimed() {
        FilterChain chain = chain(e("auth", "a"), e("transform", "t"));
        run(chain);
        run(chain);
        FilterStats stats = chain.get(0).stats();
        assertThat(stats.calls(Callback.REQUEST)).isEqualTo(2);
        assertThat(stats.calls(Callback.RESPONSE)).isEqualTo(2);
        assertThat(stats.calls(Callback.COMPLETE)).isEqualTo(2);
        assertThat(stats.totalNanos(Callback.REQUEST)).isPositive();
        assertThat(stats.failures()).isZero();
    }

    @Test
    void bufferedBodyReadsOnceAndReplaces() {
        int[] reads = {0};
        BufferedBody body = new BufferedBody(true, 3, 10, limit -> {
            reads[0]++;
            return "abc".getBytes(StandardCharsets.UTF_8);
        });
        assertThat(body.text()).isEqualTo("abc");
        assertThat(body.bytes()).containsExactly('a', 'b', 'c');
        assertThat(reads[0]).isEqualTo(1);
        body.replace("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(body.declaredLength()).isEqualTo(5);
        assertThat(body.replaced()).isTrue();
        assertThatThrownBy(() -> new MutableHeaders().set("X-A", "a\r\nInjected: 1"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
