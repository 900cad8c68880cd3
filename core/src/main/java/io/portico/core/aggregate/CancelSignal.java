package io.portico.core.aggregate;

/**
 * Tells an aggregation that its client went away. The server implements it over the client connection.
 */
@FunctionalInterface
public interface CancelSignal {
    /** A signal that never fires. */
    CancelSignal NEVER = action -> () -> { };

    /**
     * Runs {@code action} (once, on any thread) when the client is gone, until the returned registration is
     * closed; at once if it is gone already.
     */
    Registration whenCancelled(Runnable action);

    /** Ends a {@link #whenCancelled} registration; never throws. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
