package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.List;

/**
 * {@code consistent-hash}: requests with the same key ({@link HashOn}) go to the same target for as long
 * as the candidate set is unchanged, and when a target is added or removed only the keys that belong to
 * it move (about 1/n of them); keys never move between the targets that stay.
 *
 * <p>Uses a {@link HashRing} with {@value HashRing#POINTS_PER_WEIGHT} points per unit of weight, built once
 * per candidate set and cached ({@link CandidateCache}). A pick hashes the key and binary-searches the
 * ring: lock-free, O(log points), and no allocation beyond what the {@link PickContext} needs to produce
 * the key.
 */
final class ConsistentHash implements Balancer {
    private final HashOn hashOn;
    private final CandidateCache<HashRing> rings = new CandidateCache<>((candidates, previous) -> HashRing.of(candidates));

    ConsistentHash(HashOn hashOn) {
        this.hashOn = hashOn;
    }

    @Override
    public Target pick(List<Target> candidates, PickContext ctx) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        return rings.get(candidates).target(Hashing.hash64(hashOn.key(ctx)));
    }
}
