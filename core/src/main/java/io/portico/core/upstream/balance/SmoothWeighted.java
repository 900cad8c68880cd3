package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code weighted}: nginx's smooth weighted round-robin. On every pick each candidate's current weight
 * grows by its weight, the largest current weight wins (the first one on a tie), and the winner's current
 * weight drops by the total weight. Over any {@code total} consecutive picks each target is chosen exactly
 * {@code weight} times, interleaved as evenly as possible: weights {5, 1, 1} give {@code a a b a c a a}.
 *
 * <p>Thread-safe: a pick updates the counters of the current candidate set inside a short
 * {@code synchronized} block (O(candidates), no allocation, no blocking). When the candidate set changes,
 * each target keeps its current weight, as in nginx, where unavailable peers are skipped but keep theirs.
 */
final class SmoothWeighted implements Balancer {
    private final CandidateCache<Counters> counters = new CandidateCache<>(Counters::new);

    @Override
    public Target pick(List<Target> candidates, PickContext ctx) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        return counters.get(candidates).next();
    }

    /** The counters of one candidate set; guarded by its own monitor. */
    private static final class Counters {
        private final Target[] targets;
        private final int[] weights;
        private final int[] current;
        private final int total;

        Counters(List<Target> candidates, Counters previous) {
            int n = candidates.size();
            targets = candidates.toArray(new Target[0]);
            weights = new int[n];
            current = new int[n];
            Map<Target, Integer> carried = previous == null ? Map.of() : previous.snapshot();
            int sum = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = targets[i].weight();
                current[i] = carried.getOrDefault(targets[i], 0);
                sum += weights[i];
            }
            total = sum;
        }

        synchronized Target next() {
            int best = 0;
            int bestWeight = Integer.MIN_VALUE;
            for (int i = 0; i < current.length; i++) {
                int c = current[i] + weights[i];
                current[i] = c;
                if (c > bestWeight) {
                    bestWeight = c;
                    best = i;
                }
            }
            current[best] -= total;
            return targets[best];
        }

        private synchronized Map<Target, Integer> snapshot() {
            Map<Target, Integer> m = new IdentityHashMap<>();
            for (int i = 0; i < targets.length; i++) {
                m.put(targets[i], current[i]);
            }
            return m;
        }
    }
}
