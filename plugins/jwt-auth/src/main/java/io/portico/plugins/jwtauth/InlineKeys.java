package io.portico.plugins.jwtauth;

import com.auth0.jwt.algorithms.Algorithm;
import java.util.List;

/**
 * The {@code keys} of the config. A key with a {@code kid} serves only tokens naming that {@code kid}; a key
 * without one serves every token of its algorithm. Immutable.
 */
final class InlineKeys implements KeyResolver {
    private record Entry(String kid, KeyAlgorithm alg, Algorithm verifier) {
    }

    private final List<Entry> entries;

    InlineKeys(List<JwtKey> keys) {
        this.entries = keys.stream().map(k -> new Entry(k.kid().orElse(null), k.algorithm(), k.verifier())).toList();
    }

    @Override
    public List<Algorithm> candidates(String kid, KeyAlgorithm alg) {
        return entries.stream()
                .filter(e -> e.alg == alg && (e.kid == null || e.kid.equals(kid)))
                .map(Entry::verifier)
                .toList();
    }
}
