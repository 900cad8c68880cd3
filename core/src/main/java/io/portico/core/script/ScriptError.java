package io.portico.core.script;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Why a script file could not become a {@link ScriptVersion}: a syntax error, an exception thrown while the
 * module was evaluated, or a default export that breaks the filter contract. Immutable.
 *
 * @param file    the script file as given to {@link ScriptEngine#compile}
 * @param line    1-based line of the problem, or 0 when it has no source position (e.g. a bad export)
 * @param column  1-based column, or 0 when unknown
 * @param message what is wrong, for operators (may quote the script; never sent to clients)
 */
public record ScriptError(Path file, int line, int column, String message) implements CompileResult {
    public ScriptError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** {@code file:line:column: message}, or {@code file: message} when there is no position. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
