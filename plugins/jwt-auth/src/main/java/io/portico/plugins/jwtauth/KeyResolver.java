package io.portico.plugins.jwtauth;

import com.auth0.jwt.algorithms.Algorithm;
import java.util.List;

/** Finds the keys that may verify a token, from its header. Implementations are thread-safe. */
interface KeyResolver {

    /**
     * The verifiers for a token whose header names {@code kid} (null when absent) and {@code alg}: only keys pinned
     * to (or, for JWKS keys without {@code alg}, of the family of) {@code alg}. Empty when none fits.
     */
    List<Algorithm> candidates(String kid, KeyAlgorithm alg);
}
