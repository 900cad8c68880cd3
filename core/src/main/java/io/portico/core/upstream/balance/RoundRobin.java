package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code round-robin}: each candidate in turn, ignoring weights. Lock-free (one atomic increment per pick
 * when there is more than one candidate), no allocation.
 */
final class RoundRobin implements Balancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Target pick(List<Target> candidates, PickContext ctx) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        return candidates.get(Math.floorMod(next.getAndIncrement(), n));
    }
}
