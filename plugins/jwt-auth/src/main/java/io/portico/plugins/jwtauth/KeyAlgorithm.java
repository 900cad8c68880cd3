package io.portico.plugins.jwtauth;

import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The signature algorithms {@code jwt-auth} accepts. {@code none} is not one of them and never will be. Each
 * builds a java-jwt {@link Algorithm} only from key material of its own family, so an HMAC secret can never
 * verify an RSA/EC token and a public key can never serve as an HMAC secret.
 */
enum KeyAlgorithm {
    HS256(256), HS384(384), HS512(512),
    RS256(256), RS384(384), RS512(512),
    ES256(256), ES384(384), ES512(521);

    /** Hash size for HS/RS; the curve's field size for ES (P-256, P-384, P-521). */
    private final int bits;

    KeyAlgorithm(int bits) {
        this.bits = bits;
    }

    /**
     * The algorithm named {@code name} (exact JOSE spelling).
     *
     * @throws IllegalArgumentException for {@code none}, or a name not in the list, naming the accepted ones
     */
    static KeyAlgorithm parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("alg: required, one of " + Arrays.toString(values()));
        }
        if (name.strip().toLowerCase(Locale.ROOT).equals("none")) {
            throw new IllegalArgumentException("alg: 'none' (unsigned tokens) is never accepted");
        }
        for (KeyAlgorithm a : values()) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("alg: expected one of " + Arrays.toString(values()) + ", got '" + name + "'");
    }

    /** The algorithm named {@code name}, or null when it is not accepted (for token headers). */
    static KeyAlgorithm lookup(String name) {
        for (KeyAlgorithm a : values()) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The usual algorithm of a public key: RS256 for RSA, ES256/384/512 by an EC key's curve. */
    static KeyAlgorithm defaultFor(PublicKey key) {
        for (KeyAlgorithm a : List.of(RS256, ES256, ES384, ES512)) {
            if (a.fits(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("public-key: a " + key.getAlgorithm() + " key is neither RSA nor EC on P-256/384/521");
    }

    boolean isHmac() {
        return name().startsWith("HS");
    }

    boolean isRsa() {
        return name().startsWith("RS");
    }

    boolean isEc() {
        return name().startsWith("ES");
    }

    /**
     * An HMAC verifier with {@code secret} (UTF-8).
     *
     * @throws IllegalArgumentException when this is not an HS algorithm, or the secret is shorter than the hash
     */
    Algorithm hmac(String secret) {
        if (!isHmac()) {
            throw new IllegalArgumentException(name() + " is not an HMAC algorithm");
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < bits / 8) {
            throw new IllegalArgumentException("secret: " + name() + " needs a secret of at least " + bits / 8
                    + " bytes, got " + bytes.length);
        }
        return switch (this) {
            case HS256 -> Algorithm.HMAC256(bytes);
            case HS384 -> Algorithm.HMAC384(bytes);
            default -> Algorithm.HMAC512(bytes);
        };
    }

    /** Whether {@code key} is of this algorithm's family (RSA for RS*, EC on the matching curve for ES*). */
    boolean fits(PublicKey key) {
        if (isRsa()) {
            return key instanceof RSAPublicKey;
        }
        return isEc() && key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == bits;
    }

    /**
     * A verifier for {@code key}.
     *
     * @throws IllegalArgumentException when this is an HS algorithm, or the key does not {@link #fits fit}
     */
    Algorithm verifier(PublicKey key) {
        if (!fits(key)) {
            throw new IllegalArgumentException("public-key: a " + key.getAlgorithm() + " key cannot verify " + name()
                    + (isEc() ? " (needs an EC key on curve P-" + bits + ")" : isRsa() ? " (needs an RSA key)" : ""));
        }
        return switch (this) {
            case RS256 -> Algorithm.RSA256((RSAPublicKey) key, null);
            case RS384 -> Algorithm.RSA384((RSAPublicKey) key, null);
            case RS512 -> Algorithm.RSA512((RSAPublicKey) key, null);
            case ES256 -> Algorithm.ECDSA256((ECPublicKey) key, null);
            case ES384 -> Algorithm.ECDSA384((ECPublicKey) key, null);
            case ES512 -> Algorithm.ECDSA512((ECPublicKey) key, null);
            default -> throw new IllegalArgumentException(name() + " is not a public-key algorithm");
        };
    }
}
