package io.portico.core.route;

/**
 * Thrown by {@link PathNormalizer#normalize(String)} for a request path the gateway refuses; the
 * server answers 400.
 *
 * <p>The {@linkplain #getMessage() message} is a short, fixed, client-safe reason (it never echoes
 * the path). The exception carries no stack trace and no suppressed exceptions, so rejecting hostile
 * input stays cheap.
 */
public final class BadPathException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param reason short client-safe reason, e.g. {@code "malformed percent-encoding in path"}
     */
    public BadPathException(String reason) {
        super(reason, null, false, false);
    }

    /**
     * {@return the client-safe reason (same as {@link #getMessage()})}
     */
    public String reason() {
        return getMessage();
    }
}
