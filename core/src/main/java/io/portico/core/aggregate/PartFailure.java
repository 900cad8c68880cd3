package io.portico.core.aggregate;

/**
 * A part cannot be sent or its answer cannot be used; carries what the client is told. Thrown and caught
 * inside {@link PartCall} only (no stack trace).
 */
final class PartFailure extends Exception {
    final int status;
    final PartOutcome.Cause cause;

    PartFailure(int status, PartOutcome.Cause cause, String title) {
        super(title, null, false, false);
        this.status = status;
        this.cause = cause;
    }

    PartOutcome.Failed outcome(long nanos) {
        return new PartOutcome.Failed(status, getMessage(), cause, nanos);
    }
}
