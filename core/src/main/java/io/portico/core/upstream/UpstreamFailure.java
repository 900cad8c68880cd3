package io.portico.core.upstream;


/**
 * Why a call to an upstream target failed before a response head arrived, in the terms the client
 * answer needs: {@link Kind#CONNECT} and {@link Kind#PROTOCOL} become 502, {@link Kind#TIMEOUT} 504.
 *
 * <p>The message is for logs (it may name the target); clients get a fixed problem text.
 */
public final class UpstreamFailure extends RuntimeException {

    /** The failure classes a proxy distinguishes. */
    public enum Kind {
        /** Connection refused, reset, unreachable, or closed before a response. */
        CONNECT,
        /** No connection or no response within the configured time. */
        TIMEOUT,
        /** The target answered something that is not valid HTTP. */
        PROTOCOL,
        /** The target's circuit breaker refused the request; nothing was sent. */
        CIRCUIT_OPEN
    }

    private final Kind kind;

    public UpstreamFailure(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
