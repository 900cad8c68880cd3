package io.portico.core.script;

import io.portico.api.Phase;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * One context with the script's module evaluated and its default export validated; {@code onRequest} and
 * {@code onResponse} are looked up once and bound to the export object (so {@code this} works in them).
 * Used by one thread at a time (the pool guarantees it).
 */
final class ModuleInstance {
    final Context context;
    final Phase phase;
    final Value onRequest;
    /** Null when the export has no {@code onResponse}. */
    final Value onResponse;

    private ModuleInstance(Context context, Phase phase, Value onRequest, Value onResponse) {
        this.context = context;
        this.phase = phase;
        this.onRequest = onRequest;
        this.onResponse = onResponse;
    }

    /**
     * Evaluates {@code source} in {@code context} and validates its default export.
     *
     * @throws PolyglotException for syntax errors and exceptions thrown by top-level code
     * @throws InvalidModule     when the default export breaks the contract
     */
    static ModuleInstance load(Context context, Source source) throws InvalidModule {
        Value exports = context.eval(source);
        Value def = exports == null ? null : exports.getMember("default");
        if (def == null || def.isNull() || !def.hasMembers()) {
            throw new InvalidModule("the module has no default export object: "
                    + "export default { phase, onRequest(req, ctx), onResponse(res, ctx) }");
        }
        Value phaseValue = def.getMember("phase");
        if (phaseValue == null || !phaseValue.isString()) {
            throw new InvalidModule("default export: 'phase' must be one of authenticate, authorize, quota, "
                    + "transform" + (phaseValue == null ? " (missing)" : ", got " + phaseValue));
        }
        Phase phase = switch (phaseValue.asString()) {
            case "authenticate" -> Phase.AUTHENTICATE;
            case "authorize" -> Phase.AUTHORIZE;
            case "quota" -> Phase.QUOTA;
            case "transform" -> Phase.TRANSFORM;
            default -> throw new InvalidModule("default export: 'phase' must be one of authenticate, authorize, "
                    + "quota, transform, got '" + phaseValue.asString() + "'");
        };
        Value onRequest = def.getMember("onRequest");
        if (onRequest == null || !onRequest.canExecute()) {
            throw new InvalidModule("default export: 'onRequest' must be a function"
                    + (onRequest == null ? " (missing)" : ", got " + describe(onRequest)));
        }
        Value onResponse = def.getMember("onResponse");
        if (onResponse != null && onResponse.isNull()) {
            onResponse = null;
        }
        if (onResponse != null && !onResponse.canExecute()) {
            throw new InvalidModule("default export: 'onResponse' must be a function when present, got "
                    + describe(onResponse));
        }
        return new ModuleInstance(context, phase, onRequest.invokeMember("bind", def),
                onResponse == null ? null : onResponse.invokeMember("bind", def));
    }

    private static String describe(Value v) {
        if (v.isString()) {
            return "a string";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        return v.hasArrayElements() ? "an array" : "an object";
    }

    /** Closes the context, cancelling anything still running in it; never throws. */
    void close() {
        try {
            context.close(true);
        } catch (RuntimeException e) {
            // already closed or being closed by the watchdog
        }
    }

    /** The default export breaks the filter contract. */
    static final class InvalidModule extends Exception {
        InvalidModule(String message) {
            super(message, null, false, false);
        }
    }
}
