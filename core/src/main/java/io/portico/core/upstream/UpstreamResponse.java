package io.portico.core.upstream;

import java.io.InputStream;

/**
 * A response from a target: its head, and its body still on the connection.
 *
 * <p>{@link #close()} must always be called (try-with-resources). It returns the connection to the pool
 * only when the body was read to its end and the response allows reuse; otherwise the connection is
 * closed, so a half-read response can never leak into the next request. Closing also ends the request
 * in its target's in-flight count. One thread.
 */
public final class UpstreamResponse implements AutoCloseable {
    private final ResponseHead head;
    private final ResponseBody body;
    private final UpstreamConnection connection;
    private final ConnectionPool pool;
    private final Target target;
    private boolean closed;

    /** Takes over the in-flight count {@code target} holds for this request; {@link #close()} releases it. */
    UpstreamResponse(ResponseHead head, UpstreamConnection connection, ConnectionPool pool, Target target) {
        this.head = head;
        this.body = new ResponseBody(connection, head);
        this.connection = connection;
        this.pool = pool;
        this.target = target;
    }

    public ResponseHead head() {
        return head;
    }

    /** The de-framed body; empty when the response has none. */
    public InputStream body() {
        return body;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (body.complete() && head.keepAlive()) {
                connection.disarm();
                pool.release(connection);
            } else {
                connection.close();
            }
        } finally {
            target.requestEnded();
        }
    }
}
