package io.portico.core.upstream;

/**
 * Reading the client's request body failed while it was being streamed upstream (malformed chunking,
 * body over the size limit, client gone). Carries the status to answer if a response can still be sent
 * (400 or 413); the upstream connection it was streaming into is abandoned, never reused.
 */
public final class ClientBodyException extends RuntimeException {
    private final int status;

    public ClientBodyException(int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    /** 400 for malformed framing or a vanished client, 413 for a body over the limit. */
    public int status() {
        return status;
    }
}
