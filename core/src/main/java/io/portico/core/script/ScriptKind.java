package io.portico.core.script;

/**
 * What a script file is used as, which decides how its default export is validated and how it is called.
 * A file has one kind for the life of its {@link ScriptSlot}.
 */
public enum ScriptKind {
    /**
     * A script filter: {@code export default { phase, onRequest(req, ctx), onResponse(res, ctx) }}, called
     * through {@link ScriptVersion#invoke}.
     */
    FILTER,
    /**
     * An aggregate route's merge script: {@code export default { merge(parts, ctx) }}, called through
     * {@link ScriptVersion#merge}. It has no phase.
     */
    MERGE;

    /** {@code filter} or {@code merge script}, for messages. */
    String describe() {
        return this == FILTER ? "filter" : "merge script";
    }
}
