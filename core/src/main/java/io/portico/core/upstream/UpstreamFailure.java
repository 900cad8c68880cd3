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
        /** No connection within {@code timeouts.connect}. */
        CONNECT_TIMEOUT,
        /** No response (head, or next body bytes) within the response timeout. */
        TIMEOUT,
        /** The target answered something that is not valid HTTP. */
        PROTOCOL,
        /** The target's circuit breaker refused the request; nothing was sent. */
        CIRCUIT_OPEN
    }

    private final Kind kind;
    private final boolean nothingSent;

    public UpstreamFailure(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, kind == Kind.CONNECT_TIMEOUT || kind == Kind.CIRCUIT_OPEN);
    }

    /** @param nothingSent whether it is certain the target saw none of the request */
    public UpstreamFailure(Kind kind, String message, Throwable cause, boolean nothingSent) {
        super(message, cause, false, false);
        this.kind = kind;
        this.nothingSent = nothingSent;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Whether the target cannot have seen the request: no connection could be made (refused, unreachable,
     * timed out), or the circuit refused it.
     */
    public boolean nothingSent() {
        return nothingSent;
    }
}
