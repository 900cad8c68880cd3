package io.portico.core.script;

/** The outcome of {@link ScriptEngine#compile}: a usable {@link ScriptVersion} or a {@link ScriptError}. */
public sealed interface CompileResult permits ScriptVersion, ScriptError {
}
