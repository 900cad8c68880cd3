package io.portico.api;

/**
 * A request or response body, buffered only on demand.
 *
 * <p>{@link #bytes()} and {@link #text()} read the whole body into memory the first time (blocking until it
 * has arrived), bounded by {@code server.max-body-size}; beyond that they throw
 * {@link BodyTooLargeException}, which the gateway answers with 413 (request) or 502 (response) unless the
 * filter catches it. {@link #replace} swaps the content; the gateway then sends it with a fresh
 * {@code Content-Length}. Same threading as {@link Exchange}.
 */
public interface Body {

    /** Whether there is a body (a declared length above 0, or chunked). */
    boolean present();

    /** The declared length, or -1 when unknown (chunked) or when there is no body. */
    long declaredLength();

    /** The whole body. @throws BodyTooLargeException over the limit */
    byte[] bytes();

    /** The whole body decoded as UTF-8 (malformed input replaced). @throws BodyTooLargeException over the limit */
    String text();

    /** Replaces the body (a copy is kept). */
    void replace(byte[] content);
}
