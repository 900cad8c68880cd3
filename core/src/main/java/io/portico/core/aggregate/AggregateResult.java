package io.portico.core.aggregate;

/** What {@link Aggregator#run} produced. Immutable. */
public sealed interface AggregateResult {

    /**
     * The merged answer (status 200, {@code application/json}).
     *
     * @param body    UTF-8 JSON
     * @param partial whether an optional part failed ({@code Portico-Partial: true})
     */
    record Merged(byte[] body, boolean partial) implements AggregateResult {
    }

    /**
     * No merged answer: a required part failed, or the merge script did. Rendered as problem+json; the
     * texts are client-safe (part names, never target addresses).
     */
    record Failed(int status, String slug, String title, String detail) implements AggregateResult {
    }

    /** The client went away: nothing is to be sent. */
    record Cancelled() implements AggregateResult {
    }
}
