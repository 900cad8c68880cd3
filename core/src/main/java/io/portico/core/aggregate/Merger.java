package io.portico.core.aggregate;

import java.util.List;

/**
 * Builds the response body from the parts that succeeded. Implementations are immutable and thread-safe;
 * {@link #merge} runs on the request's thread.
 */
interface Merger {

    /**
     * @param plans    the route's parts, in configuration order
     * @param outcomes their outcomes (every required part succeeded; a failed optional part is in {@code errors})
     * @param errors   the failed optional parts, in configuration order (empty when none failed)
     * @return {@link AggregateResult.Merged}, or {@link AggregateResult.Failed} when the merge itself failed
     */
    AggregateResult merge(List<PartPlan> plans, PartOutcome[] outcomes, List<PartError> errors, AggregateRequest req);

    /** One failed optional part, as {@code _portico.errors} lists it. */
    record PartError(String part, int status, String title) {
    }
}
