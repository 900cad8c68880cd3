package io.portico.api;

/**
 * The request as it will be forwarded upstream. Changes made in {@code onRequest} are what the upstream
 * receives; hop-by-hop and forwarding headers are still applied by the gateway afterwards.
 * Same threading as {@link Exchange}.
 */
public interface Request {

    /** The method, e.g. {@code GET}. */
    String method();

    /** The normalized path the client asked for (before {@code strip-prefix}). */
    String path();

    /** The path that will be sent upstream (after {@code strip-prefix}, without the target's base path). */
    String upstreamPath();

    /**
     * Replaces the path sent upstream. It must start with {@code /}; it is sent as given, so percent-encode
     * what needs it.
     *
     * @throws IllegalArgumentException when it does not start with {@code /} or contains characters not
     *                                  allowed in a request target
     */
    void upstreamPath(String path);

    /** The query parameters, changeable; sent upstream re-encoded when changed, as received otherwise. */
    Query query();

    /** The request headers, changeable. */
    Headers headers();

    /**
     * The body. Reading it buffers it in memory (at most {@code server.max-body-size}); a request whose body
     * no filter reads is streamed to the upstream without being buffered.
     */
    Body body();
}
