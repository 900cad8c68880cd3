package io.portico.api;

/** A body exceeded the limit while being buffered by {@link Body#bytes()} or {@link Body#text()}. */
public final class BodyTooLargeException extends RuntimeException {
    private final long limit;

    public BodyTooLargeException(long limit) {
        super("the body exceeds the limit of " + limit + " bytes", null, false, false);
        this.limit = limit;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }
}
