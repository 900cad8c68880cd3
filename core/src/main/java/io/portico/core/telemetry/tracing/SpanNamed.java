package io.portico.core.telemetry.tracing;

/**
 * A core filter that names its own tracing span instead of {@code filter:<type>}: a script filter is
 * {@code script:<file>@<hash>} of the version it runs.
 */
public interface SpanNamed {

    /** The span name for a call made now; must not allocate on every call. */
    String spanName();
}
