package io.portico.core.aggregate;

import com.fasterxml.jackson.databind.JsonNode;

/** How one part ended. Immutable. */
sealed interface PartOutcome {

    /** Time from the part's start (after its dependencies) to its end. */
    long nanos();

    /**
     * A 2xx JSON answer.
     *
     * @param body   the parsed body after {@code extract}
     * @param text   the body's JSON text when it is exactly {@code body} (no extract), else null
     * @param status the upstream's status
     */
    record Ok(JsonNode body, String text, int status, long nanos) implements PartOutcome {
    }

    /**
     * A failure, in the terms a client gets: {@code status} (the upstream's own non-2xx status, 504 for a
     * timeout, 502 for an unusable answer, 503 when no target is available, 424 when a dependency failed, 400
     * for a missing or invalid request value) and a short client-safe {@code title}; {@code cause} is the
     * metrics label.
     */
    record Failed(int status, String title, Cause cause, long nanos) implements PartOutcome {
    }

    /** Failure classes (the {@code outcome} label of {@code portico_aggregate_parts_total}). */
    enum Cause {
        STATUS, TIMEOUT, UNREACHABLE, INVALID_RESPONSE, NOT_JSON, TOO_LARGE, NO_TARGET, DEPENDENCY, BAD_INPUT,
        BAD_DATA, INTERNAL;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
