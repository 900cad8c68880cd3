package io.portico.core.telemetry;

/**
 * Told about every finished request. Called on the request's thread right after its last byte: it must
 * not block or do I/O (hand work off to a queue), and should not allocate much. An exception is caught,
 * logged once per observer, and otherwise ignored.
 */
@FunctionalInterface
public interface RequestObserver {
    void completed(RequestRecord r);
}
