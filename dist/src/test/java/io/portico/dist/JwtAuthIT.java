package io.portico.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpServer;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jwt-auth plugin jar in a running gateway: tokens minted here, a real JWKS server on port 0 counting its
 * fetches, a real upstream. Every refusal is checked for its exact status, {@code WWW-Authenticate} header and
 * problem+json body as the client receives them; every acceptance for what reaches the upstream.
 */
class JwtAuthIT {
    static final String MISSING = "Bearer realm=\"portico\"";
    static final String INVALID = "Bearer realm=\"portico\", error=\"invalid_token\", error_description=\"The token is invalid or expired\"";
    static final String SECRET = "it-secret-0123456789abcdef0123456789abcdef";
    static final String ISSUER = "https://id.example.com/";

    static final KeyPair RSA = generate("RSA", null);
    static final KeyPair RSA_ROTATED = generate("RSA", null);
    static final KeyPair EC = generate("EC", "secp256r1");

    @TempDir
    static Path dir;
    static HttpServer jwksServer;
    static final AtomicInteger fetches = new AtomicInteger();
    static final AtomicReference<String> jwks = new AtomicReference<>();
    static volatile boolean jwksDown;
    static EchoUpstream upstream;
    static PluginGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        jwks.set(jwksDocument(Map.of("rsa-1", RSA.getPublic(), "ec-1", EC.getPublic())));
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks.json", ex -> {
            try (ex) {
                fetches.incrementAndGet();
                byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(jwksDown ? 503 : 200, jwksDown ? -1 : body.length);
                if (!jwksDown) {
                    ex.getResponseBody().write(body);
                }
            }
        });
        jwksServer.start();
        upstream = new EchoUpstream();
        String jwksUrl = "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json";
        gateway = PluginGateway.start(dir, """
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - id: jwks
                    match: { path: /jwks/** }
                    upstream: up
                    filters:
                      - type: jwt-auth
                        jwks-url: "%s"
                        jwks-refresh-min-interval: 1h
                        issuer: "%s"
                        audience: orders
                        forward-claims: { sub: X-User-Id }
                  - id: fast
                    match: { path: /fast/** }
                    upstream: up
                    filters:
                      - { type: jwt-auth, jwks-url: "%s", jwks-refresh-min-interval: 3s, jwks-cache-ttl: 3s, jwks-stale-grace: 1h }
                  - id: hs
                    match: { path: /hs/** }
                    upstream: up
                    filters:
                      - { type: jwt-auth, secret: "%s", issuer: "%s", audience: [ orders, billing ], leeway: 60s }
                  - id: scoped
                    match: { path: /scoped/** }
                    upstream: up
                    filters:
                      - { type: jwt-auth, secret: "%s" }
                      - { type: acl, scopes: [ "orders:read" ], groups: [ partners, staff ] }
                  - id: pem
                    match: { path: /pem/** }
                    upstream: up
                    filters:
                      - type: jwt-auth
                        public-key: |
                          %s
                """.formatted(upstream.url(), jwksUrl, ISSUER, jwksUrl, SECRET, ISSUER, SECRET, indent(pem(RSA.getPublic()), "          ")));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        jwksServer.stop(0);
    }

    // ---- accepted ----------------------------------------------------------------------------------------

    @Test
    void validRs256AndEs256FromTheJwksReachTheUpstreamWithoutTheTokenAndWithTheForwardedSubject() throws Exception {
        for (String token : new String[] {
                claims("orders").withKeyId("rsa-1").sign(Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate())),
                claims("orders").withKeyId("ec-1").sign(Algorithm.ECDSA256(null, (ECPrivateKey) EC.getPrivate()))}) {
            upstream.received().clear();
            HttpResponse<String> r = gateway.get("/jwks/orders", "Authorization", "Bearer " + token, "X-User-Id", "spoofed");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            EchoUpstream.Received seen = upstream.received().poll();
            assertThat(seen.header("Authorization")).as("the token is stripped").isNull();
            assertThat(seen.headers().get("x-user-id")).containsExactly("alice");
        }
    }

    @Test
    void validHs256WithinTheLeewayAndAnInlineRsaKeyAreAccepted() throws Exception {
        Algorithm hs = Algorithm.HMAC256(SECRET);
        assertThat(bearer("/hs/x", claims("billing").sign(hs)).statusCode()).isEqualTo(200);
        // expired 30 s ago, within the 60 s leeway
        assertThat(bearer("/hs/x", claims("orders").withExpiresAt(Instant.now().minusSeconds(30)).sign(hs)).statusCode())
                .isEqualTo(200);
        assertThat(bearer("/pem/x", JWT.create().withSubject("bob").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate()))).statusCode()).isEqualTo(200);
    }

    @Test
    void aclChecksTheTokensScopesAndGroups() throws Exception {
        Algorithm hs = Algorithm.HMAC256(SECRET);
        java.util.function.BiFunction<String, String[], String> token = (scope, groups) -> JWT.create().withSubject("alice")
                .withExpiresAt(Instant.now().plusSeconds(60)).withClaim("scope", scope).withArrayClaim("groups", groups).sign(hs);
        assertThat(bearer("/scoped/x", token.apply("orders:read orders:write", new String[] {"partners"})).statusCode()).isEqualTo(200);
        assertThat(bearer("/scoped/x", JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(60))
                .withArrayClaim("scp", new String[] {"orders:read"}).withArrayClaim("groups", new String[] {"staff"}).sign(hs))
                .statusCode()).as("scopes from scp").isEqualTo(200);
        HttpResponse<String> noScope = bearer("/scoped/x", token.apply("orders:write", new String[] {"partners"}));
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(noScope.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(noScope.body()).contains("\"type\":\"urn:portico:problem:forbidden\"").doesNotContain("orders:read");
        assertThat(bearer("/scoped/x", token.apply("orders:read", new String[] {"guests"})).statusCode())
                .as("no group of the list").isEqualTo(403);
        assertThat(bearer("/scoped/x", token.apply("partners", new String[] {"orders:read"})).statusCode())
                .as("a scope is not a group and a group is not a scope").isEqualTo(403);
        assertThat(gateway.get("/scoped/x").statusCode()).as("no token: jwt-auth answers first").isEqualTo(401);
    }

    // ---- refused -----------------------------------------------------------------------------------------

    @Test
    void noTokenIs401WithTheBareChallenge() throws Exception {
        for (String[] headers : new String[][] {{}, {"Authorization", "Basic YWxpY2U6cHc="}}) {
            HttpResponse<String> r = gateway.get("/hs/x", headers);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(MISSING);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(r.body()).contains("\"type\":\"urn:portico:problem:unauthorized\"", "\"status\":401");
        }
    }

    @Test
    void everyKindOfBadTokenIs401InvalidTokenWithTheSameAnswer() throws Exception {
        Algorithm hs = Algorithm.HMAC256(SECRET);
        Algorithm rs = Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate());
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"alice\",\"iss\":\"" + ISSUER + "\",\"aud\":\"orders\",\"exp\":"
                + (Instant.now().getEpochSecond() + 300) + "}");
        String es = claims("orders").withKeyId("ec-1").sign(Algorithm.ECDSA256(null, (ECPrivateKey) EC.getPrivate()));
        String zeroSignature = es.substring(0, es.lastIndexOf('.') + 1) + b64(new byte[64]);
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("expired beyond the leeway", new String[] {"/hs/x", claims("orders").withExpiresAt(Instant.now().minusSeconds(120)).sign(hs)});
        cases.put("nbf in the future", new String[] {"/hs/x", claims("orders").withNotBefore(Instant.now().plusSeconds(600)).sign(hs)});
        cases.put("wrong issuer", new String[] {"/hs/x", claims("orders").withIssuer("https://evil.example/").sign(hs)});
        cases.put("wrong audience", new String[] {"/hs/x", claims("shipping").sign(hs)});
        cases.put("alg none", new String[] {"/hs/x", header + "." + payload + "."});
        cases.put("alg none on a JWKS route", new String[] {"/jwks/x", header + "." + payload + "."});
        cases.put("HS256 signed with the RSA public key (key confusion)", new String[] {"/pem/x",
                claims("orders").sign(Algorithm.HMAC256(pem(RSA.getPublic())))});
        cases.put("HS256 signed with the RSA public key's DER", new String[] {"/pem/x",
                claims("orders").sign(Algorithm.HMAC256(RSA.getPublic().getEncoded()))});
        cases.put("wrong secret", new String[] {"/hs/x", claims("orders").sign(Algorithm.HMAC256(SECRET + "x"))});
        cases.put("RS256 on the HS route", new String[] {"/hs/x", claims("orders").sign(rs)});
        cases.put("ES256 with an all-zero signature", new String[] {"/jwks/x", zeroSignature});
        cases.put("garbage", new String[] {"/hs/x", "not.a.jwt"});
        cases.put("garbage base64", new String[] {"/hs/x", "e30.%%%.xyz"});
        cases.put("oversized (over 8KB)", new String[] {"/hs/x", claims("orders").withClaim("pad", "x".repeat(9000)).sign(hs)});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            HttpResponse<String> r = bearer(c.getValue()[0], c.getValue()[1]);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).as(c.getKey()).containsExactly(INVALID);
            assertThat(r.headers().firstValue("Content-Type")).as(c.getKey()).contains("application/problem+json");
            assertThat(r.body()).as(c.getKey()).contains("\"type\":\"urn:portico:problem:invalid-token\"", "\"status\":401")
                    .doesNotContainIgnoringCase("exception").doesNotContain("alice");
        }
    }

    // ---- JWKS cache --------------------------------------------------------------------------------------

    @Test
    void jwksIsFetchedOnceThenAnUnknownKidRefetchesAtMostOncePerIntervalAndCachedKeysSurviveAnOutage() throws Exception {
        Algorithm rs = Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate());
        assertThat(bearer("/jwks/x", claims("orders").withKeyId("rsa-1").sign(rs)).statusCode()).isEqualTo(200);
        int afterFirst = fetches.get();
        assertThat(afterFirst).isGreaterThanOrEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(bearer("/jwks/x", claims("orders").withKeyId("rsa-1").sign(rs)).statusCode()).isEqualTo(200);
        }
        assertThat(fetches.get()).as("cached").isEqualTo(afterFirst);

        // a rotated key: its kid is unknown, which triggers one refetch … unless one happened less than
        // jwks-refresh-min-interval (1h) ago. The first fetch happened just now, so: no fetch, 401.
        jwks.set(jwksDocument(Map.of("rsa-1", RSA.getPublic(), "ec-1", EC.getPublic(), "rsa-2", RSA_ROTATED.getPublic())));
        Algorithm rotated = Algorithm.RSA256(null, (RSAPrivateKey) RSA_ROTATED.getPrivate());
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = bearer("/jwks/x", claims("orders").withKeyId("made-up-" + i).sign(rotated));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(INVALID);
        }
        assertThat(fetches.get()).as("a flood of unknown kids makes no fetch storm").isEqualTo(afterFirst);

        // the JWKS server goes down: the cached keys keep serving
        jwksDown = true;
        try {
            assertThat(bearer("/jwks/x", claims("orders").withKeyId("rsa-1").sign(rs)).statusCode()).isEqualTo(200);
            assertThat(bearer("/jwks/x", claims("orders").withKeyId("ec-1")
                    .sign(Algorithm.ECDSA256(null, (ECPrivateKey) EC.getPrivate()))).statusCode()).isEqualTo(200);
        } finally {
            jwksDown = false;
        }
    }

    @Test
    void anUnknownKidRefetchesOnceAfterTheIntervalAndExpiredKeysServeWhileTheServerIsDown() throws Exception {
        Algorithm rs = Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate());
        Algorithm rotated = Algorithm.RSA256(null, (RSAPrivateKey) RSA_ROTATED.getPrivate());
        jwks.set(jwksDocument(Map.of("rsa-1", RSA.getPublic())));
        String first = JWT.create().withSubject("alice").withKeyId("rsa-1").withExpiresAt(Instant.now().plusSeconds(300)).sign(rs);
        String second = JWT.create().withSubject("alice").withKeyId("rsa-2").withExpiresAt(Instant.now().plusSeconds(300)).sign(rotated);
        int before = fetches.get();
        assertThat(bearer("/fast/x", first).statusCode()).isEqualTo(200);
        assertThat(fetches.get()).isEqualTo(before + 1);

        jwks.set(jwksDocument(Map.of("rsa-1", RSA.getPublic(), "rsa-2", RSA_ROTATED.getPublic())));
        // within jwks-refresh-min-interval (3s) of the last fetch: the unknown kid does not fetch
        assertThat(bearer("/fast/x", second).statusCode()).isEqualTo(401);
        assertThat(fetches.get()).isEqualTo(before + 1);
        Thread.sleep(3200);
        // past it: exactly one refetch finds the rotated key
        assertThat(bearer("/fast/x", second).statusCode()).isEqualTo(200);
        assertThat(bearer("/fast/x", second).statusCode()).isEqualTo(200);
        assertThat(fetches.get()).isEqualTo(before + 2);

        jwksDown = true;
        try {
            Thread.sleep(3200); // the keys are past jwks-cache-ttl: the next token fetches, fails, and uses them stale
            HttpResponse<String> r = bearer("/fast/x", first);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(bearer("/fast/x", second).statusCode()).isEqualTo(200);
            assertThat(fetches.get()).as("one failed attempt, then none within the interval").isEqualTo(before + 3);
        } finally {
            jwksDown = false;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static HttpResponse<String> bearer(String path, String token) throws Exception {
        return gateway.get(path, "Authorization", "Bearer " + token);
    }

    private static JWTCreator.Builder claims(String audience) {
        return JWT.create().withSubject("alice").withIssuer(ISSUER).withAudience(audience)
                .withExpiresAt(Instant.now().plusSeconds(300));
    }

    private static KeyPair generate(String type, String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                g.initialize(new ECGenParameterSpec(curve));
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static String indent(String text, String prefix) {
        return text.strip().replace("\n", "\n" + prefix);
    }

    private static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String jwksDocument(Map<String, PublicKey> keys) {
        StringBuilder sb = new StringBuilder("{\"keys\":[");
        keys.forEach((kid, key) -> {
            if (sb.charAt(sb.length() - 1) == '}') {
                sb.append(',');
            }
            if (key instanceof RSAPublicKey r) {
                sb.append("{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"").append(kid).append("\",\"n\":\"")
                        .append(unsigned(r.getModulus(), 0)).append("\",\"e\":\"").append(unsigned(r.getPublicExponent(), 0)).append("\"}");
            } else {
                ECPublicKey e = (ECPublicKey) key;
                sb.append("{\"kty\":\"EC\",\"use\":\"sig\",\"crv\":\"P-256\",\"kid\":\"").append(kid).append("\",\"x\":\"")
                        .append(unsigned(e.getW().getAffineX(), 32)).append("\",\"y\":\"").append(unsigned(e.getW().getAffineY(), 32)).append("\"}");
            }
        });
        return sb.append("]}").toString();
    }

    private static String unsigned(BigInteger i, int size) {
        byte[] b = i.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (size > b.length) {
            byte[] p = new byte[size];
            System.arraycopy(b, 0, p, size - b.length, b.length);
            b = p;
        }
        return b64(b);
    }
}
