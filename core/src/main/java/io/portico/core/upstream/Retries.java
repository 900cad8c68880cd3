package io.portico.core.upstream;

import java.util.HashSet;
import java.util.Set;

/**
 * The retry bookkeeping of one request to one upstream, shared by the proxy path and aggregate parts: the
 * attempts left ({@code retries.attempts}), the targets tried, and the choice of the next target after an
 * attempt failed. Which outcomes are retryable at all (method, body, status) is the caller's rule; this class
 * decides where a retry goes and whether the upstream's {@link RetryBudget} allows it.
 *
 * <p>Creating one counts the request for the retry budget. Not thread-safe: one request, one thread.
 */
public final class Retries {
    private final Upstream upstream;
    private int left;
    private Set<Target> tried; // created on the first failure; Target equality is identity

    /** Starts the bookkeeping of one request to {@code upstream}. */
    public Retries(Upstream upstream) {
        this.upstream = upstream;
        upstream.retryBudget().requested();
        this.left = upstream.retryAttempts();
    }

    /** Whether {@code retries.attempts} still allows a retry (the budget is asked only by {@link #afterFailure}). */
    public boolean attemptsLeft() {
        return left > 0;
    }

    /**
     * Another target after {@code refused} turned the attempt away (its circuit is open): nothing was sent, so
     * the move costs neither an attempt nor the budget. Null when no untried target is available.
     */
    public Target afterRefusal(Target refused) {
        Target next = pickAfter(refused);
        return next != null && tried.contains(next) ? null : next;
    }

    /**
     * The target of a retry after a retryable failure on {@code failed}, taking one attempt and one token of the
     * retry budget; null when there is none or the budget is spent (then nothing is taken).
     *
     * @param sameTarget whether the target may be one already tried (the only target of a single-target
     *                   upstream, see {@link Upstream#pickRetry})
     */
    public Target afterFailure(Target failed, boolean sameTarget) {
        Target next = pickAfter(failed);
        if (next == null || (!sameTarget && tried.contains(next)) || !upstream.retryBudget().tryRetry()) {
            return null;
        }
        left--;
        return next;
    }

    private Target pickAfter(Target failed) {
        if (tried == null) {
            tried = new HashSet<>(4);
        }
        tried.add(failed);
        return upstream.pickRetry(tried);
    }
}
