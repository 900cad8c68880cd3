package io.portico.plugins.jwtauth;

import static io.portico.plugins.jwtauth.JwtAuthFilterTest.assertInvalid;
import static io.portico.plugins.jwtauth.JwtAuthFilterTest.bearer;
import static io.portico.plugins.jwtauth.TestKeys.RSA;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The verified-token cache, seen through the filter: which presentations reach the signature check. */
class VerifiedTokensTest {
    private final JwksTest.MutableClock clock = new JwksTest.MutableClock();
    private final AtomicInteger signatureChecks = new AtomicInteger();

    /** RS256 with one inline key; counts the key lookups (one per token that is really verified). */
    private GatewayFilter filter(int cacheSize) {
        TestKeys.Builder b = TestKeys.config(TestKeys.pub(null, "RS256", RSA.getPublic()));
        b.cacheSize = cacheSize;
        JwtAuthConfig cfg = b.build();
        InlineKeys keys = new InlineKeys(cfg.inlineKeys());
        KeyResolver counting = (kid, alg) -> {
            signatureChecks.incrementAndGet();
            return keys.candidates(kid, alg);
        };
        return new JwtAuthFilter(cfg, List.of(counting), clock, new FakeFilterContext("jwt-auth").metrics(),
                Logger.getLogger("test"));
    }

    private String token(long expiresInSeconds) {
        return JWT.create().withSubject("alice").withClaim("scope", "a b").withClaim("tenant", "acme")
                .withExpiresAt(clock.instant().plusSeconds(expiresInSeconds))
                .sign(Algorithm.RSA256(null, (java.security.interfaces.RSAPrivateKey) RSA.getPrivate()));
    }

    @Test
    void aTokenPresentedAgainIsNotVerifiedAgainAndYieldsTheSameConsumer() {
        GatewayFilter f = filter(1000);
        String t = token(300);
        FakeExchange first = bearer(t);
        assertThat(f.onRequest(first)).isEqualTo(Decision.proceed());
        for (int i = 0; i < 5; i++) {
            FakeExchange again = bearer(t);
            assertThat(f.onRequest(again)).isEqualTo(Decision.proceed());
            assertThat(again.consumer()).isEqualTo(first.consumer());
            assertThat(again.request().headers().contains("Authorization")).as("still stripped").isFalse();
        }
        assertThat(signatureChecks.get()).isEqualTo(1);
        // a token differing in one signature character is a different key: verified, and refused
        assertInvalid(f.onRequest(bearer(t.substring(0, t.length() - 2) + (t.endsWith("A") ? "BB" : "AA"))));
        assertThat(signatureChecks.get()).isEqualTo(2);
    }

    @Test
    void aCachedTokenStopsWorkingWhenItExpiresBeyondTheLeeway() {
        GatewayFilter f = filter(1000);
        String t = token(120);
        assertThat(f.onRequest(bearer(t))).isEqualTo(Decision.proceed());
        clock.advance(Duration.ofSeconds(150)); // expired 30 s ago: within the 60 s leeway
        assertThat(f.onRequest(bearer(t))).isEqualTo(Decision.proceed());
        assertThat(signatureChecks.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(40)); // 70 s past exp
        assertInvalid(f.onRequest(bearer(t)));
    }

    @Test
    void entriesLiveAtMostTheJwksCacheTtlAndSizeZeroTurnsTheCacheOff() {
        GatewayFilter f = filter(1000);
        String t = token(3600);
        assertThat(f.onRequest(bearer(t))).isEqualTo(Decision.proceed());
        clock.advance(Duration.ofMinutes(6)); // jwks-cache-ttl is 5m
        assertThat(f.onRequest(bearer(t))).isEqualTo(Decision.proceed());
        assertThat(signatureChecks.get()).as("verified again after the TTL").isEqualTo(2);

        signatureChecks.set(0);
        GatewayFilter off = filter(0);
        for (int i = 0; i < 3; i++) {
            assertThat(off.onRequest(bearer(t))).isEqualTo(Decision.proceed());
        }
        assertThat(signatureChecks.get()).isEqualTo(3);
    }
}
