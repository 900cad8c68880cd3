package io.portico.plugins.jwtauth;

import static io.portico.plugins.jwtauth.JwtAuthFilterTest.assertInvalid;
import static io.portico.plugins.jwtauth.JwtAuthFilterTest.bearer;
import static io.portico.plugins.jwtauth.TestKeys.EC256;
import static io.portico.plugins.jwtauth.TestKeys.RSA;
import static io.portico.plugins.jwtauth.TestKeys.RSA2;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpServer;
import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** jwt-auth against a real JWKS server on a free local port, counting its fetches. */
class JwksTest {
    private HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<String> document = new AtomicReference<>();
    private volatile int status = 200;
    private volatile long delayMillis;
    private volatile boolean trickle;
    private String url;
    private final MutableClock clock = new MutableClock();
    private final FakeFilterContext context = new FakeFilterContext("jwt-auth");

    @BeforeEach
    void start() throws Exception {
        publish(Map.of("k1", RSA.getPublic(), "e1", EC256.getPublic()));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = (status == 200 ? document.get() : "oops").getBytes(StandardCharsets.UTF_8);
            if (trickle) {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (byte b : body) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (Exception e) {
                    // client went away
                }
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void publish(Map<String, PublicKey> keys) {
        document.set(TestKeys.jwks(new LinkedHashMap<>(keys)));
    }

    /** A token valid for a day, so the mutable clock can move hours ahead. */
    private static String token(String kid, Algorithm alg) {
        return TestKeys.claims().withKeyId(kid).withExpiresAt(Instant.now().plus(Duration.ofDays(1))).sign(alg);
    }

    /** The filter as the factory builds it, on the real clock. */
    private GatewayFilter factoryFilter() {
        return new JwtAuthFilterFactory().create(TestKeys.config().jwks(url).build(), context);
    }

    /** The filter on {@link #clock}: min interval 30s, ttl 5m, grace 1h. */
    private GatewayFilter clockedFilter(Duration timeout) {
        TestKeys.Builder b = TestKeys.config().jwks(url);
        b.timeout = timeout;
        JwtAuthConfig cfg = b.build();
        JwksKeys keys = new JwksKeys(JwtAuthFilterFactory.fetcher(url, cfg), cfg.jwksRefreshMinInterval(),
                cfg.jwksCacheTtl(), cfg.jwksStaleGrace(), clock, Logger.getLogger("test"), context.metrics());
        return new JwtAuthFilter(cfg, List.of(keys), clock, context.metrics(), Logger.getLogger("test"));
    }

    @Test
    void keysAreFetchedOnceAndCachedForRsaAndEc() {
        GatewayFilter f = factoryFilter();
        assertThat(fetches.get()).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA))))).isEqualTo(Decision.proceed());
            assertThat(f.onRequest(bearer(token("e1", TestKeys.es256(EC256))))).isEqualTo(Decision.proceed());
        }
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void unknownKidTriggersOneRefetchAndNoStorm() throws Exception {
        GatewayFilter f = clockedFilter(Duration.ofSeconds(2));
        assertThat(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA))))).isEqualTo(Decision.proceed());
        assertThat(fetches.get()).isEqualTo(1);
        // right after a fetch, an unknown kid does not fetch again (fetches are >= 30s apart) …
        assertInvalid(f.onRequest(bearer(token("k2", TestKeys.rs256(RSA2)))));
        assertThat(fetches.get()).isEqualTo(1);
        // … once the interval passed, it does, once
        clock.advance(Duration.ofSeconds(31));
        assertInvalid(f.onRequest(bearer(token("k2", TestKeys.rs256(RSA2)))));
        assertThat(fetches.get()).isEqualTo(2);
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<Decision>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> f.onRequest(bearer(token("k" + Math.random(), TestKeys.rs256(RSA2))))));
            }
            for (Future<Decision> r : results) {
                assertInvalid(r.get());
            }
        }
        assertThat(fetches.get()).isEqualTo(2);
        assertThat(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA))))).isEqualTo(Decision.proceed());
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void rotatedKeyIsFoundOnceTheMinimumIntervalPassed() {
        GatewayFilter f = clockedFilter(Duration.ofSeconds(2));
        String k2 = token("k2", TestKeys.rs256(RSA2));
        assertInvalid(f.onRequest(bearer(k2)));
        assertThat(fetches.get()).isEqualTo(1);
        publish(Map.of("k1", RSA.getPublic(), "k2", RSA2.getPublic()));
        clock.advance(Duration.ofSeconds(10));
        assertInvalid(f.onRequest(bearer(k2)));
        assertThat(fetches.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(21));
        assertThat(f.onRequest(bearer(k2))).isEqualTo(Decision.proceed());
        assertThat(fetches.get()).isEqualTo(2);
        // k1 was removed from the document at the next fetch → refused
        publish(Map.of("k2", RSA2.getPublic()));
        clock.advance(Duration.ofMinutes(6));
        assertInvalid(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
        assertThat(fetches.get()).isEqualTo(3);
    }

    @Test
    void cachedKeysServeWhileTheServerIsDownUntilTheGraceEnds() {
        GatewayFilter f = clockedFilter(Duration.ofSeconds(2));
        String k1 = token("k1", TestKeys.rs256(RSA));
        assertThat(f.onRequest(bearer(k1))).isEqualTo(Decision.proceed());
        server.stop(0);
        clock.advance(Duration.ofMinutes(6)); // past the 5m ttl: a fetch is tried and fails
        assertThat(f.onRequest(bearer(k1))).isEqualTo(Decision.proceed());
        clock.advance(Duration.ofMinutes(50)); // 56m: within ttl + 1h grace
        assertThat(f.onRequest(bearer(k1))).isEqualTo(Decision.proceed());
        clock.advance(Duration.ofMinutes(10)); // 66m: past ttl + grace
        assertInvalid(f.onRequest(bearer(k1)));
        assertThat(fetches.get()).isEqualTo(1);
        assertThat(context.count("jwks_fetches")).isEqualTo(4); // the first, then at 6m, 56m and 66m (all failing)
        assertThat(context.count("jwks_fetch_failures")).isEqualTo(3);
    }

    @Test
    void failingServerGivesInvalidTokensAndIsRateLimited() {
        status = 500;
        GatewayFilter f = factoryFilter();
        for (int i = 0; i < 5; i++) {
            assertInvalid(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
        }
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void slowServerIsCutByTheTimeout() {
        delayMillis = 3000;
        GatewayFilter f = clockedFilter(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertInvalid(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void serverTricklingBytesIsCutByTheOverallDeadline() {
        trickle = true;
        GatewayFilter f = clockedFilter(Duration.ofMillis(500));
        long t0 = System.nanoTime();
        assertInvalid(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2000));
    }

    @Test
    void oversizedDocumentIsAFailedFetch() {
        document.set("{\"keys\":[], \"pad\":\"" + "x".repeat(JwtAuthFilterFactory.MAX_JWKS_BYTES) + "\"}");
        assertInvalid(factoryFilter().onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void hmacTokensNeverUseJwksKeys() {
        GatewayFilter f = factoryFilter();
        byte[] pem = TestKeys.pem(RSA.getPublic()).getBytes(StandardCharsets.UTF_8);
        assertInvalid(f.onRequest(bearer(token("k1", Algorithm.HMAC256(pem)))));
        assertInvalid(f.onRequest(bearer(token("k1", Algorithm.HMAC256(RSA.getPublic().getEncoded())))));
        // an EC key's kid with an RS256 token, and a token without kid
        assertInvalid(f.onRequest(bearer(token("e1", TestKeys.rs256(RSA)))));
        assertInvalid(f.onRequest(bearer(TestKeys.claims().sign(TestKeys.rs256(RSA)))));
        assertThat(f.onRequest(bearer(token("k1", TestKeys.rs256(RSA))))).isEqualTo(Decision.proceed());
    }

    @Test
    void algorithmsRestrictWhatJwksKeysVerifyAndOthersNeverFetch() {
        GatewayFilter esOnly = new JwtAuthFilterFactory().create(TestKeys.config().jwks(url).algorithms("ES256").build(), context);
        assertInvalid(esOnly.onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
        assertThat(fetches.get()).as("a token of an algorithm not accepted does not fetch the JWKS").isZero();
        assertThat(esOnly.onRequest(bearer(token("e1", TestKeys.es256(EC256))))).isEqualTo(Decision.proceed());
        assertThat(fetches.get()).isEqualTo(1);
        assertInvalid(esOnly.onRequest(bearer(token("k1", TestKeys.rs256(RSA)))));
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
