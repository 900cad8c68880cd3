package io.portico.core.script;

import java.util.Objects;

/**
 * The outcome of one {@link ScriptVersion#invoke} call: the converted return value, or a failure. Failures
 * are values, not exceptions, so callers map them to a response (a script error must never reach a client
 * as a JS stack: send a generic problem and log {@link Failure#detail()}).
 */
public sealed interface ScriptResult<T> {

    /** The invocation completed; {@code value} is what the caller's converter made of the JS return value. */
    record Ok<T>(T value) implements ScriptResult<T> {
    }

    /**
     * The invocation did not complete.
     *
     * @param kind   the category (callers may answer differently, e.g. 503 for {@link Kind#BUSY})
     * @param detail full detail for logs: message, script location and JS stack where known
     * @param cause  the underlying exception, or null
     */
    record Failure<T>(Kind kind, String detail, Throwable cause) implements ScriptResult<T> {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Failure categories. */
    enum Kind {
        /** The invocation (or the lazy set-up of its context) ran past its time budget and was cancelled. */
        TIMEOUT,
        /** The script threw (a JS error, or a host method it called refused its arguments). */
        SCRIPT_ERROR,
        /** No context became free within the pool's wait. */
        BUSY,
        /** The version or engine was closed. */
        CLOSED,
        /** An error of the JS engine itself, or a context could not be created. */
        INTERNAL
    }

    /** Whether this is an {@link Ok}. */
    default boolean ok() {
        return this instanceof Ok;
    }
}
