package io.portico.plugins.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.RedisSettings;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitFilterTest {
    private final RateLimitFilterFactory factory = new RateLimitFilterFactory();
    private final TestContext ctx = new TestContext();

    @AfterEach
    void clear() {
        SharedState.clear();
    }

    private static RateLimitConfig rule(Object key, LimitConfig... limits) {
        return new RateLimitConfig(key, List.of(limits), Backend.LOCAL, OnBackendError.ALLOW);
    }

    private static FakeExchange from(String ip) {
        return FakeExchange.get("/x").clientIp(ip);
    }

    /** Runs onRequest and, like the gateway, onResponse on the upstream's 200 or on the filter's own answer. */
    private static FakeExchange call(GatewayFilter f, FakeExchange ex) {
        Decision d = f.onRequest(ex);
        ex.response(d instanceof Decision.Respond r ? FakeResponse.of(r) : new FakeResponse(200));
        f.onResponse(ex);
        return ex;
    }

    private static int status(GatewayFilter f, String ip) {
        return call(f, from(ip)).fakeResponse().status();
    }

    private static int allowedOf(GatewayFilter f, String ip, int n) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (status(f, ip) == 200) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void phaseAndType() {
        assertThat(factory.type()).isEqualTo("rate-limit");
        assertThat(factory.phase()).isEqualTo(io.portico.api.Phase.QUOTA);
    }

    @Test
    void burstUpToCapacityThenRefillsAtTheConfiguredRate() {
        GatewayFilter f = factory.create(rule("ip", new LimitConfig(10, "1s")), ctx);
        assertThat(allowedOf(f, "1.1.1.1", 15)).isEqualTo(10);
        assertThat(ctx.count("allowed")).isEqualTo(10);
        assertThat(ctx.count("limited")).isEqualTo(5);

        ctx.clock.advance(Duration.ofMillis(500)); // greedy: 5 tokens back
        assertThat(allowedOf(f, "1.1.1.1", 10)).isBetween(4, 6);
        ctx.clock.advance(Duration.ofSeconds(5)); // full again, never more than capacity
        assertThat(allowedOf(f, "1.1.1.1", 20)).isEqualTo(10);
        // another key has its own bucket
        assertThat(allowedOf(f, "2.2.2.2", 11)).isEqualTo(10);
    }

    @Test
    void intervalRefillGivesEverythingBackOnlyAtThePeriodsEnd() {
        GatewayFilter f = factory.create(rule("ip", new LimitConfig(3, "1d", Refill.INTERVAL)), ctx);
        assertThat(allowedOf(f, "1.1.1.1", 5)).isEqualTo(3);
        ctx.clock.advance(Duration.ofHours(23));
        assertThat(allowedOf(f, "1.1.1.1", 2)).isZero();
        ctx.clock.advance(Duration.ofHours(1));
        assertThat(allowedOf(f, "1.1.1.1", 5)).isEqualTo(3);
    }

    @Test
    void severalLimitsInOneBucketTheTightestWins() {
        GatewayFilter f = factory.create(rule("ip", new LimitConfig(3, "1s"), new LimitConfig(5, "1h")), ctx);
        assertThat(allowedOf(f, "1.1.1.1", 4)).isEqualTo(3);       // per-second limit
        ctx.clock.advance(Duration.ofSeconds(1));
        assertThat(allowedOf(f, "1.1.1.1", 4)).isEqualTo(2);       // hourly limit: 5 in all
        ctx.clock.advance(Duration.ofSeconds(10));
        FakeExchange ex = call(f, from("1.1.1.1"));
        assertThat(ex.fakeResponse().status()).isEqualTo(429);
        assertThat(ex.fakeResponse().headers().first("RateLimit")).hasValueSatisfying(v ->
                assertThat(v).startsWith("limit=5, remaining=0, reset="));
    }

    @Test
    void allowedResponsesCarryPolicyAndRemaining() {
        GatewayFilter f = factory.create(rule("ip", new LimitConfig(10, "1s"), new LimitConfig(1000, "1h")), ctx);
        FakeExchange first = call(f, from("1.1.1.1"));
        assertThat(first.fakeResponse().status()).isEqualTo(200);
        assertThat(first.fakeResponse().headers().first("RateLimit-Policy")).hasValue("10;w=1, 1000;w=3600");
        assertThat(first.fakeResponse().headers().first("RateLimit")).hasValue("limit=10, remaining=9, reset=1");
        allowedOf(f, "1.1.1.1", 6);
        assertThat(call(f, from("1.1.1.1")).fakeResponse().headers().first("RateLimit"))
                .hasValue("limit=10, remaining=2, reset=1");
        assertThat(first.fakeResponse().headers().first("Retry-After")).isEmpty();
    }

    @Test
    void refusalIs429ProblemWithRetryAfterRoundedUp() {
        GatewayFilter f = factory.create(rule("ip", new LimitConfig(2, "1m")), ctx);
        allowedOf(f, "1.1.1.1", 2);
        ctx.clock.advance(Duration.ofSeconds(5)); // next token in 25 s (one per 30 s)
        Decision d = f.onRequest(from("1.1.1.1"));
        assertThat(d).isInstanceOf(Decision.Respond.class);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.problem().slug()).isEqualTo("rate-limited");
        assertThat(r.problem().title()).isEqualTo("Too Many Requests");
        Map<String, String> h = Map.ofEntries(r.headers().toArray(Map.Entry[]::new));
        assertThat(h).containsEntry("Retry-After", "25").containsEntry("RateLimit-Policy", "2;w=60")
                .containsEntry("RateLimit", "limit=2, remaining=0, reset=55");
        ctx.clock.advance(Duration.ofMillis(24_500));
        Decision.Respond again = (Decision.Respond) f.onRequest(from("1.1.1.1"));
        assertThat(again.headers()).contains(Map.entry("Retry-After", "1")); // 0.5 s rounds up to 1
        ctx.clock.advance(Duration.ofMillis(500));
        assertThat(f.onRequest(from("1.1.1.1"))).isEqualTo(Decision.proceed());
    }

    @Test
    void localBucketsSurviveARecreateWithTheSameRuleButNotAChangedOne() {
        RateLimitConfig config = rule("ip", new LimitConfig(5, "1m"));
        GatewayFilter before = factory.create(config, ctx);
        assertThat(allowedOf(before, "1.1.1.1", 3)).isEqualTo(3);

        // a reload: the factory is asked again, with an equal (not the same) record
        GatewayFilter after = factory.create(rule("ip", new LimitConfig(5, "1m")), ctx);
        assertThat(allowedOf(after, "1.1.1.1", 5)).isEqualTo(2);

        // another route, or a changed rule, starts with full buckets
        GatewayFilter otherRoute = factory.create(config, new TestContext("route-2", null));
        assertThat(allowedOf(otherRoute, "1.1.1.1", 6)).isEqualTo(5);
        GatewayFilter changed = factory.create(rule("ip", new LimitConfig(6, "1m")), ctx);
        assertThat(allowedOf(changed, "1.1.1.1", 7)).isEqualTo(6);
        assertThat(before).isNotSameAs(after);
    }

    @Test
    void redisBackendNeedsTheTopLevelRedisBlock() {
        RateLimitConfig config = new RateLimitConfig("ip", List.of(new LimitConfig(1, "1s")), Backend.REDIS,
                OnBackendError.ALLOW);
        assertThatThrownBy(() -> factory.create(config, ctx)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend: redis needs the top-level redis: { url }");
        // with it, creating does not connect (lazily, on the first request)
        assertThat(factory.create(config, new TestContext("r", new RedisSettings("redis://127.0.0.1:1", Duration.ofMillis(50)))))
                .isNotNull();
    }

    private static RateLimitFilter failing(OnBackendError onError, TestContext ctx) {
        BucketStore broken = key -> {
            throw new BucketStore.BackendException("Redis did not answer within 100 ms", null);
        };
        return new RateLimitFilter(KeySpec.parse("ip"), broken, "1;w=1", onError, ctx.metrics(),
                new ThrottledWarning(Logger.getLogger("test")));
    }

    @Test
    void backendErrorAllowProceedsWithoutHeadersAndCounts() {
        RateLimitFilter f = failing(OnBackendError.ALLOW, ctx);
        FakeExchange ex = call(f, from("1.1.1.1"));
        assertThat(ex.fakeResponse().status()).isEqualTo(200);
        assertThat(ex.fakeResponse().headers().contains("RateLimit")).isFalse();
        call(f, from("1.1.1.1"));
        assertThat(ctx.count("backend_error")).isEqualTo(2);
        assertThat(ctx.count("allowed")).isZero();
    }

    @Test
    void backendErrorDenyAnswers503WithRetryAfter() {
        Decision d = failing(OnBackendError.DENY, ctx).onRequest(from("1.1.1.1"));
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.problem().slug()).isEqualTo("rate-limit-unavailable");
        assertThat(r.headers()).contains(Map.entry("Retry-After", "1"));
        assertThat(ctx.count("backend_error")).isEqualTo(1);
    }

    @Test
    void concurrentRequestsNeverGetMoreThanTheCapacity() throws Exception {
        GatewayFilter f = factory.create(rule("ip", new LimitConfig(100, "1h")), ctx);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 1000; i++) {
                pool.submit(() -> {
                    if (f.onRequest(from("1.1.1.1")) == Decision.proceed()) {
                        ok.incrementAndGet();
                    }
                });
            }
        }
        assertThat(ok.get()).isEqualTo(100);
        assertThat(ctx.count("allowed")).isEqualTo(100);
        assertThat(ctx.count("limited")).isEqualTo(900);
    }

    @Test
    void globalFilterWithoutRouteWorks() {
        GatewayFilter f = factory.create(rule("route", new LimitConfig(1, "1s")), new TestContext(null, null));
        assertThat(allowedOf(f, "1.1.1.1", 1)).isEqualTo(1);
        assertThat(allowedOf(f, "2.2.2.2", 1)).isZero(); // one bucket for the whole route
    }
}
