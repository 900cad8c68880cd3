package io.portico.core.script;

/**
 * A script invocation that failed (threw, rejected, ran over its budget, or the engine failed), thrown by
 * {@link ScriptFilter} so the chain treats it like any failing filter. The message is the full detail for
 * the log (script location and JS stack); it never reaches a client. No Java stack trace is captured: the
 * JS location is what matters.
 */
public final class ScriptFailure extends RuntimeException {
    private final ScriptResult.Kind kind;

    ScriptFailure(ScriptResult.Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    /** The failure category. */
    public ScriptResult.Kind kind() {
        return kind;
    }
}
