package io.portico.core.upstream.balance;

import io.portico.core.upstream.Target;

import java.util.List;

/**
 * Chooses one target among the targets currently available to an upstream. That is its only job: which
 * targets are available (health, circuit breakers) is decided by the caller.
 *
 * <p>One balancer belongs to one upstream and is shared by every request to it. Implementations are
 * thread-safe, do not block beyond a short critical section, and do not allocate on the steady-state path
 * (state derived from a candidate list is cached; see {@link CandidateCache}).
 *
 * <p>Callers should pass the same {@code List} instance for the same set of candidates (for example the
 * upstream's immutable target list, or a health view that is replaced only when health changes): derived
 * state such as the consistent-hash ring is cached per list and recognised by identity first.
 */
public interface Balancer {

    /**
     * Picks a target.
     *
     * @param candidates the targets to choose from; not modified; may be empty
     * @param ctx        the request, asked only by balancers that need a key
     * @return one of {@code candidates}, or null only when {@code candidates} is empty
     */
    Target pick(List<Target> candidates, PickContext ctx);
}
