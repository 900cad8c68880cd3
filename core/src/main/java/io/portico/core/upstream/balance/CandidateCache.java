package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The state a balancer derived from the candidate list it saw last (a hash ring, weight counters).
 *
 * <p>A list is recognised by identity first, then by holding the same targets in the same order, so a
 * caller that passes one stable immutable list per candidate set pays one reference comparison per pick.
 * A different set rebuilds the state once (the builder also gets the previous state, to carry per-target
 * counters over). Candidate lists must not be modified after they are passed.
 *
 * <p>Thread-safe and lock-free: the entry is one volatile reference to an immutable pair. Two threads
 * that meet a new set at the same moment may both build; each result is complete and the last one
 * published stays.
 *
 * @param <S> the derived state
 */
final class CandidateCache<S> {
    private record Entry<S>(List<Target> candidates, S state) {
    }

    private final BiFunction<List<Target>, S, S> build;
    private volatile Entry<S> last;

    /** @param build makes the state for a candidate list, given the previous state (null at first) */
    CandidateCache(BiFunction<List<Target>, S, S> build) {
        this.build = build;
    }

    S get(List<Target> candidates) {
        Entry<S> e = last;
        if (e != null && (e.candidates == candidates || sameTargets(e.candidates, candidates))) {
            return e.state;
        }
        S state = build.apply(candidates, e == null ? null : e.state);
        last = new Entry<>(candidates, state);
        return state;
    }

    private static boolean sameTargets(List<Target> a, List<Target> b) {
        int n = a.size();
        if (n != b.size()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
