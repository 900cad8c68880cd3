package io.portico.api;

/**
 * The response that will be sent to the client: the upstream's, or the one a filter's
 * {@link Decision.Respond} made. Status and headers may be changed in {@code onResponse}; in
 * {@code onComplete} it is read-only and reflects what was sent. Same threading as {@link Exchange}.
 */
public interface Response {

    /** The status code. */
    int status();

    /**
     * Changes the status (200..599).
     *
     * @throws IllegalStateException in {@code onComplete}
     */
    void status(int status);

    /** The response headers. */
    Headers headers();

    /** The body; reading it buffers the whole response body (at most {@code server.max-body-size}). */
    Body body();
}
