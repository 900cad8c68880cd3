package io.portico.plugins.jwtauth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.portico.api.ByteSize;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Key pairs, tokens and configs for the tests. */
final class TestKeys {
    static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final KeyPair RSA = generate("RSA", null);
    static final KeyPair RSA2 = generate("RSA", null);
    static final KeyPair EC256 = generate("EC", "secp256r1");
    static final KeyPair EC384 = generate("EC", "secp384r1");

    private TestKeys() {
    }

    static KeyPair generate(String type, String curve) {
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

    static Algorithm rs256(KeyPair kp) {
        return Algorithm.RSA256(null, (RSAPrivateKey) kp.getPrivate());
    }

    static Algorithm es256(KeyPair kp) {
        return Algorithm.ECDSA256(null, (ECPrivateKey) kp.getPrivate());
    }

    /** A token for subject {@code alice} expiring in 5 minutes. */
    static JWTCreator.Builder claims() {
        return JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(300));
    }

    static JwtKey hs(String alg) {
        return new JwtKey(Optional.empty(), alg, Optional.of(SECRET), Optional.empty());
    }

    static JwtKey pub(String kid, String alg, PublicKey key) {
        return new JwtKey(Optional.ofNullable(kid), alg, Optional.empty(), Optional.of(pem(key)));
    }

    /** A config with these keys and otherwise the defaults. */
    static Builder config(JwtKey... keys) {
        return new Builder(List.of(keys));
    }

    /** The JWKS document publishing these keys (kid → key). */
    static String jwks(Map<String, PublicKey> keys) {
        StringBuilder sb = new StringBuilder("{\"keys\":[");
        keys.forEach((kid, key) -> {
            if (sb.charAt(sb.length() - 1) == '}') {
                sb.append(',');
            }
            if (key instanceof RSAPublicKey r) {
                sb.append("{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"").append(kid).append("\",\"n\":\"")
                        .append(b64(r.getModulus(), 0)).append("\",\"e\":\"").append(b64(r.getPublicExponent(), 0)).append("\"}");
            } else {
                ECPublicKey e = (ECPublicKey) key;
                sb.append("{\"kty\":\"EC\",\"use\":\"sig\",\"crv\":\"P-256\",\"kid\":\"").append(kid).append("\",\"x\":\"")
                        .append(b64(e.getW().getAffineX(), 32)).append("\",\"y\":\"").append(b64(e.getW().getAffineY(), 32)).append("\"}");
            }
        });
        return sb.append("]}").toString();
    }

    private static String b64(BigInteger i, int size) {
        byte[] b = i.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (size > b.length) {
            byte[] p = new byte[size];
            System.arraycopy(b, 0, p, size - b.length, b.length);
            b = p;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Mutable builder of {@link JwtAuthConfig} for tests. */
    static final class Builder {
        List<JwtKey> keys;
        Optional<String> jwksUrl = Optional.empty();
        Duration minInterval = Duration.ofSeconds(30);
        Duration timeout = Duration.ofSeconds(2);
        Duration grace = Duration.ofHours(1);
        Duration ttl = Duration.ofMinutes(5);
        Optional<String> issuer = Optional.empty();
        List<String> audiences = List.of();
        Optional<String> secret = Optional.empty();
        Optional<String> publicKey = Optional.empty();
        List<String> algorithms = List.of();
        Optional<String> scopeClaim = Optional.empty();
        Duration leeway = Duration.ofSeconds(60);
        ByteSize maxTokenSize = new ByteSize(8192);
        String header = "Authorization";
        Optional<String> cookie = Optional.empty();
        Optional<String> queryParam = Optional.empty();
        Map<String, String> forward = Map.of();
        boolean strip = true;
        int cacheSize = 1000;

        Builder(List<JwtKey> keys) {
            this.keys = keys;
        }

        Builder jwks(String url) {
            this.jwksUrl = Optional.of(url);
            return this;
        }

        Builder issuer(String iss) {
            this.issuer = Optional.of(iss);
            return this;
        }

        Builder audiences(String... aud) {
            this.audiences = List.of(aud);
            return this;
        }

        Builder leeway(Duration d) {
            this.leeway = d;
            return this;
        }

        Builder maxTokenSize(long bytes) {
            this.maxTokenSize = new ByteSize(bytes);
            return this;
        }

        Builder cookie(String name) {
            this.cookie = Optional.of(name);
            return this;
        }

        Builder queryParam(String name) {
            this.queryParam = Optional.of(name);
            return this;
        }

        Builder forward(Map<String, String> f) {
            this.forward = f;
            return this;
        }

        Builder secret(String s) {
            this.secret = Optional.of(s);
            return this;
        }

        Builder publicKey(String pem) {
            this.publicKey = Optional.of(pem);
            return this;
        }

        Builder algorithms(String... algs) {
            this.algorithms = List.of(algs);
            return this;
        }

        Builder scopeClaim(String claim) {
            this.scopeClaim = Optional.of(claim);
            return this;
        }

        Builder strip(boolean s) {
            this.strip = s;
            return this;
        }

        JwtAuthConfig build() {
            return new JwtAuthConfig(secret, publicKey, algorithms, keys, jwksUrl, minInterval, timeout, grace, ttl,
                    issuer, audiences, leeway, maxTokenSize, header, cookie, queryParam, "groups", scopeClaim, forward,
                    strip, cacheSize);
        }
    }
}
