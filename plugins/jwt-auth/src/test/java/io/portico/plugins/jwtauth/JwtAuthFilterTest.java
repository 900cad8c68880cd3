package io.portico.plugins.jwtauth;

import static io.portico.plugins.jwtauth.TestKeys.EC256;
import static io.portico.plugins.jwtauth.TestKeys.RSA;
import static io.portico.plugins.jwtauth.TestKeys.SECRET;
import static io.portico.plugins.jwtauth.TestKeys.claims;
import static io.portico.plugins.jwtauth.TestKeys.config;
import static io.portico.plugins.jwtauth.TestKeys.hs;
import static io.portico.plugins.jwtauth.TestKeys.pub;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.algorithms.Algorithm;
import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeQuery;
import io.portico.plugins.testkit.FakeRequest;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtAuthFilterTest {
    static final String MISSING_HEADER = "Bearer realm=\"portico\"";
    static final String INVALID_HEADER =
            "Bearer realm=\"portico\", error=\"invalid_token\", error_description=\"The token is invalid or expired\"";

    private final JwtAuthFilterFactory factory = new JwtAuthFilterFactory();
    private final FakeFilterContext context = new FakeFilterContext("jwt-auth");

    static FakeExchange bearer(String token) {
        return new FakeExchange(new FakeRequest("GET", "/").headers(FakeHeaders.of("Authorization", "Bearer " + token)));
    }

    private Decision run(JwtAuthConfig config, FakeExchange exchange) {
        return factory.create(config, context).onRequest(exchange);
    }

    static void assertInvalid(Decision d) {
        assertThat(d).isInstanceOf(Decision.Respond.class);
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsExactly(Map.entry("WWW-Authenticate", INVALID_HEADER));
        assertThat(r.problem().slug()).isEqualTo("invalid-token");
    }

    static void assertMissing(Decision d) {
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsExactly(Map.entry("WWW-Authenticate", MISSING_HEADER));
        assertThat(r.problem().slug()).isEqualTo("unauthorized");
    }

    private void assertAccepted(JwtAuthConfig config, String token) {
        FakeExchange ex = bearer(token);
        assertThat(run(config, ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer()).map(Consumer::id).contains("alice");
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("jwt-auth");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHENTICATE);
        assertThat(factory.configType()).isEqualTo(JwtAuthConfig.class);
    }

    @Test
    void validHmacTokensOfEachSize() {
        byte[] s = SECRET.getBytes(StandardCharsets.UTF_8);
        assertAccepted(config(hs("HS256")).build(), claims().sign(Algorithm.HMAC256(s)));
        assertAccepted(config(hs("HS384")).build(), claims().sign(Algorithm.HMAC384(s)));
        assertAccepted(config(hs("HS512")).build(), claims().sign(Algorithm.HMAC512(s)));
    }

    @Test
    void validRsaAndEcTokens() {
        assertAccepted(config(pub(null, "RS256", RSA.getPublic())).build(), claims().sign(TestKeys.rs256(RSA)));
        assertAccepted(config(pub(null, "RS512", RSA.getPublic())).build(),
                claims().sign(Algorithm.RSA512(null, (RSAPrivateKey) RSA.getPrivate())));
        assertAccepted(config(pub(null, "ES256", EC256.getPublic())).build(), claims().sign(TestKeys.es256(EC256)));
        assertAccepted(config(pub(null, "ES384", TestKeys.EC384.getPublic())).build(),
                claims().sign(Algorithm.ECDSA384(null, (ECPrivateKey) TestKeys.EC384.getPrivate())));
    }

    @Test
    void successSetsTheConsumerStripsTheTokenAndForwardsClaims() {
        String token = claims().withArrayClaim("groups", new String[] {"admins", "ops"})
                .withClaim("scope", "orders:read orders:write").withClaim("tenant", "acme").sign(TestKeys.rs256(RSA));
        FakeExchange ex = bearer(token);
        ex.request().headers().set("X-Tenant", "spoofed");
        ex.request().headers().set("X-Missing", "spoofed");
        JwtAuthConfig cfg = config(pub("k1", "RS256", RSA.getPublic()))
                .forward(Map.of("tenant", "X-Tenant", "nope", "X-Missing")).build();
        FakeExchange kidless = ex;
        assertThat(run(cfg, kidless)).isInstanceOf(Decision.Respond.class); // the key wants kid k1

        String withKid = claims().withKeyId("k1").withArrayClaim("groups", new String[] {"admins", "ops"})
                .withClaim("scope", "orders:read orders:write").withClaim("tenant", "acme").sign(TestKeys.rs256(RSA));
        ex = bearer(withKid);
        ex.request().headers().set("X-Tenant", "spoofed");
        ex.request().headers().set("X-Missing", "spoofed");
        assertThat(run(cfg, ex)).isEqualTo(Decision.proceed());
        Consumer c = ex.consumer().orElseThrow();
        assertThat(c.id()).isEqualTo("alice");
        assertThat(c.groups()).containsExactly("admins", "ops");
        assertThat(c.scopes()).containsExactly("orders:read", "orders:write");
        assertThat(c.claims()).containsEntry("tenant", "acme").containsEntry("sub", "alice").containsKey("exp");
        assertThat(ex.request().headers().first("X-Tenant")).contains("acme");
        assertThat(ex.request().headers().contains("X-Missing")).isFalse();
        assertThat(ex.request().headers().contains("Authorization")).isFalse();
    }

    @Test
    void stripTokenFalseKeepsTheHeader() {
        FakeExchange ex = bearer(claims().sign(TestKeys.rs256(RSA)));
        assertThat(run(config(pub(null, "RS256", RSA.getPublic())).strip(false).build(), ex)).isEqualTo(Decision.proceed());
        assertThat(ex.request().headers().first("Authorization")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer "));
    }

    @Test
    void tokenFromCookieOrQueryParameter() {
        String token = claims().sign(TestKeys.rs256(RSA));
        JwtAuthConfig cfg = config(pub(null, "RS256", RSA.getPublic())).cookie("session").queryParam("access_token").build();
        FakeExchange byCookie = new FakeExchange(new FakeRequest("GET", "/")
                .headers(FakeHeaders.of("Cookie", "a=1; session=" + token + "; b=2")));
        assertThat(run(cfg, byCookie)).isEqualTo(Decision.proceed());
        assertThat(byCookie.request().headers().first("Cookie")).contains("a=1; b=2");
        FakeExchange byQuery = new FakeExchange(new FakeRequest("GET", "/").query(FakeQuery.of("access_token", token, "x", "1")));
        assertThat(run(cfg, byQuery)).isEqualTo(Decision.proceed());
        assertThat(byQuery.request().query().names()).containsExactly("x");
    }

    @Test
    void missingTokenAnswersWithTheRealmOnly() {
        JwtAuthConfig cfg = config(hs("HS256")).build();
        assertMissing(run(cfg, FakeExchange.get("/")));
        assertMissing(run(cfg, new FakeExchange(new FakeRequest("GET", "/").headers(FakeHeaders.of("Authorization", "Basic YTpi")))));
        assertThat(context.count("missing")).isEqualTo(2);
    }

    @Test
    void emptyOrRepeatedBearerIsInvalid() {
        JwtAuthConfig cfg = config(hs("HS256")).build();
        assertInvalid(run(cfg, new FakeExchange(new FakeRequest("GET", "/").headers(FakeHeaders.of("Authorization", "Bearer ")))));
        String t = claims().sign(Algorithm.HMAC256(SECRET));
        assertInvalid(run(cfg, new FakeExchange(new FakeRequest("GET", "/")
                .headers(FakeHeaders.of("Authorization", "Bearer " + t, "Authorization", "Bearer " + t)))));
    }

    @Test
    void expiredTokenIsInvalidBeyondTheLeeway() {
        JwtAuthConfig cfg = config(hs("HS256")).build();
        Algorithm hs = Algorithm.HMAC256(SECRET);
        assertInvalid(run(cfg, bearer(claims().withExpiresAt(Instant.now().minusSeconds(120)).sign(hs))));
        assertAccepted(cfg, claims().withExpiresAt(Instant.now().minusSeconds(30)).sign(hs));
        JwtAuthConfig noLeeway = config(hs("HS256")).leeway(Duration.ZERO).build();
        assertInvalid(run(noLeeway, bearer(claims().withExpiresAt(Instant.now().minusSeconds(30)).sign(hs))));
    }

    @Test
    void notBeforeInTheFutureIsInvalidBeyondTheLeeway() {
        JwtAuthConfig cfg = config(hs("HS256")).build();
        Algorithm hs = Algorithm.HMAC256(SECRET);
        assertInvalid(run(cfg, bearer(claims().withNotBefore(Instant.now().plusSeconds(120)).sign(hs))));
        assertAccepted(cfg, claims().withNotBefore(Instant.now().plusSeconds(30)).sign(hs));
        JwtAuthConfig noLeeway = config(hs("HS256")).leeway(Duration.ZERO).build();
        assertInvalid(run(noLeeway, bearer(claims().withNotBefore(Instant.now().plusSeconds(30)).sign(hs))));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        JwtAuthConfig cfg = config(hs("HS256")).issuer("https://idp.example").audiences("orders", "billing").build();
        Algorithm hs = Algorithm.HMAC256(SECRET);
        assertAccepted(cfg, claims().withIssuer("https://idp.example").withAudience("billing").sign(hs));
        assertInvalid(run(cfg, bearer(claims().withIssuer("https://evil.example").withAudience("orders").sign(hs))));
        assertInvalid(run(cfg, bearer(claims().withIssuer("https://idp.example").withAudience("other").sign(hs))));
        assertInvalid(run(cfg, bearer(claims().withAudience("orders").sign(hs))));
        assertInvalid(run(cfg, bearer(claims().withIssuer("https://idp.example").sign(hs))));
        assertAccepted(config(hs("HS256")).build(), claims().withIssuer("anyone").withAudience("anything").sign(hs));
    }

    @Test
    void algNoneIsNeverAccepted() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = b64.encodeToString(("{\"sub\":\"alice\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}")
                .getBytes(StandardCharsets.UTF_8));
        for (String alg : List.of("none", "None", "NONE")) {
            String header = b64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
            assertInvalid(run(config(hs("HS256")).build(), bearer(header + "." + payload + ".")));
            assertInvalid(run(config(pub(null, "RS256", RSA.getPublic())).build(), bearer(header + "." + payload + ".")));
        }
        assertInvalid(run(config(hs("HS256")).build(), bearer(claims().sign(Algorithm.none()))));
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyIsRefused() {
        String pem = TestKeys.pem(RSA.getPublic());
        for (byte[] secret : List.of(pem.getBytes(StandardCharsets.UTF_8), RSA.getPublic().getEncoded())) {
            String forged = claims().withKeyId("k1").sign(Algorithm.HMAC256(secret));
            assertInvalid(run(config(pub("k1", "RS256", RSA.getPublic())).build(), bearer(forged)));
            assertInvalid(run(config(pub(null, "RS256", RSA.getPublic())).build(), bearer(forged)));
        }
    }

    @Test
    void tokenOfAnotherAlgorithmThanTheKeyIsRefused() {
        // RS384 token, key pinned to RS256 (same RSA key)
        String t = claims().sign(Algorithm.RSA384(null, (RSAPrivateKey) RSA.getPrivate()));
        assertInvalid(run(config(pub(null, "RS256", RSA.getPublic())).build(), bearer(t)));
        // signed by another RSA key
        assertInvalid(run(config(pub(null, "RS256", RSA.getPublic())).build(), bearer(claims().sign(TestKeys.rs256(TestKeys.RSA2)))));
    }

    @Test
    void garbageAndOversizedTokensAreInvalid() {
        JwtAuthConfig cfg = config(hs("HS256")).maxTokenSize(1024).build();
        for (String garbage : List.of("garbage", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9.%%%.xx", "a.b", "ä.ö.ü")) {
            assertInvalid(run(cfg, bearer(garbage)));
        }
        String big = claims().withClaim("pad", "x".repeat(2000)).sign(Algorithm.HMAC256(SECRET));
        assertInvalid(run(cfg, bearer(big)));
        assertAccepted(config(hs("HS256")).build(), big);
        assertThat(context.count("invalid")).isEqualTo(7);
    }

    @Test
    void es256WithAnAllZeroSignatureIsRefused() {
        String valid = claims().sign(TestKeys.es256(EC256));
        String zero = valid.substring(0, valid.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        JwtAuthConfig cfg = config(pub(null, "ES256", EC256.getPublic())).build();
        assertAccepted(cfg, valid);
        assertInvalid(run(cfg, bearer(zero)));
    }

    @Test
    void tokenWithoutSubjectIsInvalid() {
        String t = com.auth0.jwt.JWT.create().withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertInvalid(run(config(hs("HS256")).build(), bearer(t)));
    }

    @Test
    void repeatedClaimIsRefused() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String h = b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        String p = b64.encodeToString("{\"sub\":\"alice\",\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8));
        String sig = b64.encodeToString(Algorithm.HMAC256(SECRET).sign(h.getBytes(StandardCharsets.US_ASCII), p.getBytes(StandardCharsets.US_ASCII)));
        assertInvalid(run(config(hs("HS256")).build(), bearer(h + "." + p + "." + sig)));
    }

    @Test
    void critHeaderIsRefused() {
        String t = claims().withHeader(Map.of("crit", List.of("exp"))).sign(Algorithm.HMAC256(SECRET));
        assertInvalid(run(config(hs("HS256")).build(), bearer(t)));
    }

    @Test
    void scopesComeFromScopeThenScpThenTheConfiguredClaim() {
        Algorithm hs = Algorithm.HMAC256(SECRET);
        String scopeArray = claims().withArrayClaim("scope", new String[] {"a", "b"}).withClaim("groups", "solo").sign(hs);
        FakeExchange ex = bearer(scopeArray);
        assertThat(run(config(hs("HS256")).build(), ex)).isEqualTo(Decision.proceed());
        assertThat(ex.consumer().orElseThrow().groups()).containsExactly("solo");
        assertThat(ex.consumer().orElseThrow().scopes()).containsExactly("a", "b");

        FakeExchange scp = bearer(claims().withArrayClaim("scp", new String[] {"x:read"}).sign(hs));
        assertThat(run(config(hs("HS256")).build(), scp)).isEqualTo(Decision.proceed());
        assertThat(scp.consumer().orElseThrow().scopes()).containsExactly("x:read");

        FakeExchange custom = bearer(claims().withClaim("permissions", "p1 p2").withClaim("scope", "ignored").sign(hs));
        assertThat(run(config(hs("HS256")).scopeClaim("permissions").build(), custom)).isEqualTo(Decision.proceed());
        assertThat(custom.consumer().orElseThrow().scopes()).containsExactly("p1", "p2");
    }

    @Test
    void topLevelSecretServesHs256UnlessAlgorithmsSaysOtherwise() {
        String hs256 = claims().sign(Algorithm.HMAC256(SECRET));
        String hs512 = claims().sign(Algorithm.HMAC512(SECRET + SECRET));
        assertAccepted(config().secret(SECRET).build(), hs256);
        assertInvalid(run(config().secret(SECRET).build(), bearer(claims().sign(Algorithm.HMAC384(SECRET + SECRET)))));
        assertAccepted(config().secret(SECRET + SECRET).algorithms("HS512").build(), hs512);
        assertInvalid(run(config().secret(SECRET + SECRET).algorithms("HS512").build(),
                bearer(claims().sign(Algorithm.HMAC256(SECRET + SECRET)))));
    }

    @Test
    void topLevelPublicKeyDefaultsToItsKeyTypesAlgorithm() {
        assertAccepted(config().publicKey(TestKeys.pem(RSA.getPublic())).build(), claims().sign(TestKeys.rs256(RSA)));
        assertAccepted(config().publicKey(TestKeys.pem(EC256.getPublic())).build(), claims().sign(TestKeys.es256(EC256)));
        // RS512 is not accepted unless listed
        assertInvalid(run(config().publicKey(TestKeys.pem(RSA.getPublic())).build(), bearer(claims().sign(
                Algorithm.RSA512((java.security.interfaces.RSAPublicKey) RSA.getPublic(),
                        (java.security.interfaces.RSAPrivateKey) RSA.getPrivate())))));
        // key confusion through the top-level keys: HS256 signed with the PEM text of the public key
        String pem = TestKeys.pem(RSA.getPublic());
        assertInvalid(run(config().publicKey(pem).build(), bearer(claims().sign(Algorithm.HMAC256(pem)))));
    }

}
