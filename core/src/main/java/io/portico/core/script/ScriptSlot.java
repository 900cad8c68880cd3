package io.portico.core.script;

import java.time.Instant;

/**
 * One script file of {@code scripts.dir} that a configuration refers to, as a filter or as a merge script
 * ({@link #kind()}, fixed): the version serving now (null while the file is missing or has never compiled)
 * and how the last load attempt went. {@link ScriptLibrary}
 * writes it (on its watcher thread, or under its lock at resolve time); requests read {@link #current()}
 * with one volatile read. Thread-safe.
 */
public final class ScriptSlot {
    /** What the slot's file is doing. */
    public enum State {
        /** The current version is the file's content. */
        LOADED,
        /** The file's content failed to compile; the previous version (if any) keeps serving. */
        FAILED,
        /** The file is gone; nothing serves (filters and aggregate routes using it answer 500). */
        MISSING
    }

    private final String name;
    private final ScriptKind kind;
    private volatile ScriptVersion current;
    private volatile State state = State.MISSING;
    private volatile ScriptError lastError;
    private volatile Instant changedAt = Instant.now();
    /** SHA-256 of the content last tried (compiled or failed); null when the file was missing. */
    volatile String triedSha256;

    ScriptSlot(String name, ScriptKind kind) {
        this.name = name;
        this.kind = kind;
    }

    /** The file name relative to {@code scripts.dir}, as the configuration names it. */
    public String name() {
        return name;
    }

    /** What the file is used as: every version of it is compiled and validated as this kind. */
    public ScriptKind kind() {
        return kind;
    }

    /** The version to run, or null when none is loaded. */
    public ScriptVersion current() {
        return current;
    }

    public State state() {
        return state;
    }

    /** Why the last load failed (with file, line, column), or null after a success. */
    public ScriptError lastError() {
        return lastError;
    }

    /** When {@link #state()} or {@link #current()} last changed. */
    public Instant changedAt() {
        return changedAt;
    }

    /** Publishes {@code next}; returns the version it replaces (the caller retires it). */
    ScriptVersion loaded(ScriptVersion next) {
        ScriptVersion old = current;
        current = next;
        lastError = null;
        state = State.LOADED;
        changedAt = Instant.now();
        return old;
    }

    void failed(ScriptError error) {
        lastError = error;
        state = State.FAILED;
        changedAt = Instant.now();
    }

    /** The file is gone: returns the version that served (the caller retires it). */
    ScriptVersion missing(ScriptError why) {
        ScriptVersion old = current;
        current = null;
        lastError = why;
        state = State.MISSING;
        changedAt = Instant.now();
        return old;
    }

    @Override
    public String toString() {
        ScriptVersion v = current;
        return v != null ? v.toString() : name + " (" + state.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
