package io.portico.core.script;

import org.graalvm.polyglot.Context;

/**
 * Throws real JS errors ({@code TypeError}, {@code RangeError}) from binding code: the error is made with
 * the current context's constructor and rethrown into the script, so {@code e instanceof TypeError} holds
 * and no Java class name reaches the script. Only callable while a script calls into a binding.
 */
final class JsErrors {
    private JsErrors() {
    }

    /** A JS {@code TypeError} with {@code message}, to be thrown: {@code throw JsErrors.typeError(...)}. */
    static RuntimeException typeError(String message) {
        return error("TypeError", message);
    }

    /** A JS {@code RangeError} with {@code message}, to be thrown. */
    static RuntimeException rangeError(String message) {
        return error("RangeError", message);
    }

    private static RuntimeException error(String constructor, String message) {
        throw Context.getCurrent().getBindings("js").getMember(constructor).newInstance(message).throwException();
    }
}
