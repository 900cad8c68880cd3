package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code random}: a uniformly random candidate, ignoring weights (use {@code weighted} for proportional
 * shares). Stateless and lock-free ({@link ThreadLocalRandom}); no allocation.
 */
final class RandomPick implements Balancer {

    @Override
    public Target pick(List<Target> candidates, PickContext ctx) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        return candidates.get(ThreadLocalRandom.current().nextInt(n));
    }
}
