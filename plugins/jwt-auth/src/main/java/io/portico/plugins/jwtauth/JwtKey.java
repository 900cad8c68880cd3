package io.portico.plugins.jwtauth;

import java.util.Optional;

/**
 * One inline verification key of the {@code jwt-auth} filter ({@code keys[]}). The algorithm is pinned: a token
 * is checked with this key only when its header {@code alg} equals {@link #alg} (and its {@code kid} equals
 * {@link #kid}, when set). An HMAC secret is never used as an RSA/EC key, nor a public key as a secret.
 *
 * @param kid       the key id tokens must name in their {@code kid} header; empty: the key serves any token
 *                  with its algorithm
 * @param alg       one of {@link KeyAlgorithm}'s names ({@code HS256} … {@code ES512}); {@code none} is refused
 * @param secret    the HMAC secret (UTF-8), for {@code HS*} only; at least as long as the hash (32/48/64 bytes)
 * @param publicKey the PEM public key ({@code -----BEGIN PUBLIC KEY-----}), for {@code RS*}/{@code ES*} only
 */
public record JwtKey(Optional<String> kid, String alg, Optional<String> secret, Optional<String> publicKey) {

    /** @throws IllegalArgumentException when the algorithm is unknown or the key material does not fit it */
    public JwtKey {
        kid = kid == null ? Optional.empty() : kid;
        secret = secret == null ? Optional.empty() : secret;
        publicKey = publicKey == null ? Optional.empty() : publicKey;
        KeyAlgorithm a = KeyAlgorithm.parse(alg);
        if (a.isHmac()) {
            if (publicKey.isPresent()) {
                throw new IllegalArgumentException("public-key: " + alg + " is an HMAC algorithm; give secret, not public-key");
            }
            a.hmac(secret.orElseThrow(() -> new IllegalArgumentException("secret: required for " + alg)));
        } else {
            if (secret.isPresent()) {
                throw new IllegalArgumentException("secret: " + alg + " needs a public key; give public-key, not secret");
            }
            a.verifier(Pem.publicKey(publicKey.orElseThrow(
                    () -> new IllegalArgumentException("public-key: required for " + alg))));
        }
    }

    /** The pinned algorithm. */
    KeyAlgorithm algorithm() {
        return KeyAlgorithm.parse(alg);
    }

    /** The java-jwt algorithm object verifying with this key. */
    com.auth0.jwt.algorithms.Algorithm verifier() {
        KeyAlgorithm a = algorithm();
        return a.isHmac() ? a.hmac(secret.orElseThrow()) : a.verifier(Pem.publicKey(publicKey.orElseThrow()));
    }
}
