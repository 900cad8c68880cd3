package io.portico.core.aggregate;

/** Receives one call per finished part (metrics). Implementations must be thread-safe and fast. */
@FunctionalInterface
public interface PartObserver {
    /** Records nothing. */
    PartObserver NONE = (route, part, outcome, nanos) -> { };

    /**
     * @param outcome {@code ok}, or the failure class ({@code status}, {@code timeout}, {@code unreachable},
     *                {@code invalid_response}, {@code not_json}, {@code too_large}, {@code no_target},
     *                {@code dependency}, {@code bad_input}, {@code bad_data}, {@code internal})
     * @param nanos   the part's duration
     */
    void part(String route, String part, String outcome, long nanos);
}
