package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code least-requests}: the power of two random choices. Two distinct candidates are drawn at random and
 * the one with fewer requests in flight per unit of weight wins (in-flight × other's weight is compared,
 * so a target of weight 2 counts as loaded as a weight-1 target with half its in-flight requests); a tie
 * goes to the first draw, which is itself uniform. With two candidates this is simply the less loaded one.
 *
 * <p>Sampling two instead of scanning all keeps a pick O(1) and avoids the herd effect of every
 * concurrent pick choosing the same momentarily idlest target. Lock-free; reads each drawn target's
 * {@link Target#inFlight()} once; no allocation.
 */
final class LeastRequests implements Balancer {

    @Override
    public Target pick(List<Target> candidates, PickContext ctx) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Target a = candidates.get(i);
        Target b = candidates.get(j);
        long loadA = (long) a.inFlight() * b.weight();
        long loadB = (long) b.inFlight() * a.weight();
        return loadB < loadA ? b : a;
    }
}
