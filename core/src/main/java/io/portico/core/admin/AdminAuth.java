package io.portico.core.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code admin.token} check for {@code /metrics} and {@code /admin/*}: {@code Authorization: Bearer <token>}.
 * Both sides are hashed before a constant-time comparison, so neither the token's content nor its length shows
 * in the time a refusal takes. Immutable; thread-safe.
 */
final class AdminAuth {
    private static final String BEARER = "bearer ";

    private final byte[] tokenHash; // null: no token configured, everything is allowed

    /** @param token the configured token; empty for none (the listener is then on loopback only) */
    AdminAuth(String token) {
        this.tokenHash = token.isEmpty() ? null : sha256(token);
    }

    /** Whether a token is configured. */
    boolean required() {
        return tokenHash != null;
    }

    /** Whether a request with this {@code Authorization} header value (null when absent) may pass. */
    boolean allows(String authorization) {
        if (tokenHash == null) {
            return true;
        }
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(tokenHash, sha256(authorization.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
