package io.portico.plugins.ratelimit;

/**
 * Where a rule's buckets live. Implementations are thread-safe and called from many virtual threads at once.
 */
interface BucketStore {

    /**
     * Takes one token from the bucket {@code key} (created full on first use).
     *
     * @throws BackendException when the store cannot answer in time (Redis down, slow or failing); never blocks
     *                          longer than the configured Redis timeout
     */
    Quota consume(String key) throws BackendException;

    /** The backend failed or did not answer in time. */
    final class BackendException extends Exception {
        BackendException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
