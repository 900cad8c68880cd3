package io.portico.plugins.jwtauth;

import static io.portico.plugins.jwtauth.TestKeys.RSA;
import static io.portico.plugins.jwtauth.TestKeys.config;
import static io.portico.plugins.jwtauth.TestKeys.hs;
import static io.portico.plugins.jwtauth.TestKeys.pub;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JwtAuthConfigTest {

    private static void invalid(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void keyMaterialMustFitTheAlgorithm() {
        invalid(() -> new JwtKey(Optional.empty(), "HS256", Optional.empty(), Optional.empty()), "secret: required for HS256");
        invalid(() -> new JwtKey(Optional.empty(), "HS256", Optional.of("short"), Optional.empty()), "at least 32 bytes");
        invalid(() -> new JwtKey(Optional.empty(), "HS256", Optional.of(TestKeys.SECRET), Optional.of(TestKeys.pem(RSA.getPublic()))),
                "give secret, not public-key");
        invalid(() -> new JwtKey(Optional.empty(), "RS256", Optional.of(TestKeys.SECRET), Optional.empty()), "give public-key, not secret");
        invalid(() -> new JwtKey(Optional.empty(), "RS256", Optional.empty(), Optional.empty()), "public-key: required for RS256");
        invalid(() -> new JwtKey(Optional.empty(), "RS256", Optional.empty(), Optional.of("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")),
                "not an RSA or EC public key");
        invalid(() -> new JwtKey(Optional.empty(), "RS256", Optional.empty(), Optional.of("hello")), "expected a PEM block");
        invalid(() -> pub(null, "ES256", RSA.getPublic()), "cannot verify ES256");
        invalid(() -> pub(null, "RS256", TestKeys.EC256.getPublic()), "cannot verify RS256");
        invalid(() -> pub(null, "ES384", TestKeys.EC256.getPublic()), "curve P-384");
    }

    @Test
    void algNoneAndUnknownAlgorithmsAreRefused() {
        invalid(() -> new JwtKey(Optional.empty(), "none", Optional.of(TestKeys.SECRET), Optional.empty()), "'none' (unsigned tokens) is never accepted");
        invalid(() -> new JwtKey(Optional.empty(), "PS256", Optional.empty(), Optional.empty()), "alg: expected one of [HS256");
        invalid(() -> new JwtKey(Optional.empty(), "hs256", Optional.of(TestKeys.SECRET), Optional.empty()), "got 'hs256'");
    }

    @Test
    void configNeedsKeysOrJwksAndSaneValues() {
        invalid(() -> config().build(), "secret, public-key, keys, jwks-url: give at least one source of keys");
        invalid(() -> config().jwks("ftp://idp.example/jwks").build(), "jwks-url: expected an http or https URL");
        invalid(() -> config().jwks("not a url").build(), "jwks-url:");
        invalid(() -> config(hs("HS256"), hs("HS256")).build(), "keys: two keys with kid ''");
        invalid(() -> config(hs("HS256")).cookie("bad cookie").build(), "cookie: expected a name");
        invalid(() -> config(hs("HS256")).forward(java.util.Map.of("tenant", "X Tenant")).build(), "forward-claims.tenant: expected a name");
        invalid(() -> config(hs("HS256")).maxTokenSize(8).build(), "max-token-size");
        invalid(() -> config(hs("HS256")).leeway(java.time.Duration.ofSeconds(-1)).build(), "leeway: must be 0 or more");
    }

    @Test
    void topLevelKeyMaterialAndAlgorithmsMustAgree() {
        String pem = TestKeys.pem(RSA.getPublic());
        invalid(() -> config().secret(TestKeys.SECRET).publicKey(pem).build(), "secret, public-key: give one of them");
        invalid(() -> config().secret(TestKeys.SECRET).algorithms("RS256").build(), "algorithms: RS256 needs public-key or jwks-url");
        invalid(() -> config().publicKey(pem).algorithms("HS256").build(), "algorithms: HS256 is an HMAC algorithm and needs secret");
        invalid(() -> config().publicKey(pem).algorithms("ES256").build(), "cannot verify ES256");
        invalid(() -> config().secret("short").build(), "secret: HS256 needs a secret of at least 32 bytes");
        invalid(() -> config().secret(TestKeys.SECRET).algorithms("none").build(), "'none' (unsigned tokens) is never accepted");
        invalid(() -> config().jwks("https://idp.example/jwks").algorithms("HS256").build(), "needs secret");
    }
}
