package io.portico.core.script;

import io.portico.api.Phase;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * One context with the script's module evaluated and its default export validated. For a
 * {@link ScriptKind#FILTER}, {@code onRequest} and {@code onResponse} are looked up once and bound to the
 * export object (so {@code this} works in them). For a {@link ScriptKind#MERGE}, {@link #merge} is the
 * {@link #MERGE_WRAPPER} made once for this context around the export's {@code merge}. Used by one thread at a
 * time (the pool guarantees it).
 */
final class ModuleInstance {
    /** The source name of the merge wrapper, told apart from the script's own frames in error messages. */
    static final String MERGE_WRAPPER_NAME = "<portico merge>";

    /**
     * Evaluated once per merge context, before the module (so it holds the built-ins as they were before any
     * script code ran), to a factory {@code (merge, self) => call}. {@code call(ctxJson, name1, body1, name2,
     * body2, …)} parses each non-null body into {@code parts[name]}, parses {@code ctx}, calls
     * {@code merge(parts, ctx)} with {@code this = self}, and (after a returned promise settles) adds
     * {@code ctx.errors} as {@code _portico.errors} to a plain-object result when there are any, and returns
     * {@code JSON.stringify(result)}; an {@code undefined} result, or one JSON cannot represent, throws.
     */
    static final Source MERGE_WRAPPER = Source.newBuilder("js", """
            (() => {
              'use strict';
              const parse = JSON.parse, stringify = JSON.stringify, isArray = Array.isArray, apply = Reflect.apply;
              const define = Object.defineProperty, protoOf = Object.getPrototypeOf, objectProto = Object.prototype;
              const resolve = Promise.resolve.bind(Promise), then = Promise.prototype.then;
              function finish(result, ctx) {
                if (result === undefined) {
                  throw new TypeError('merge returned undefined: return the response body (an object, an array or another JSON value)');
                }
                const errors = ctx.errors;
                if (isArray(errors) && errors.length > 0 && result !== null && typeof result === 'object'
                    && !isArray(result) && (protoOf(result) === objectProto || protoOf(result) === null)) {
                  result._portico = { ...result._portico, errors };
                }
                const text = stringify(result);
                if (text === undefined) {
                  throw new TypeError('merge returned a ' + typeof result + ', which JSON cannot represent');
                }
                return text;
              }
              return (merge, self) => (ctxJson, ...pairs) => {
                const parts = {};
                for (let i = 0; i < pairs.length; i += 2) {
                  if (pairs[i + 1] != null) {
                    define(parts, pairs[i], { value: parse(pairs[i + 1]), writable: true, enumerable: true, configurable: true });
                  }
                }
                const ctx = parse(ctxJson);
                const result = apply(merge, self, [parts, ctx]);
                if (result !== null && (typeof result === 'object' || typeof result === 'function')
                    && typeof result.then === 'function') {
                  return apply(then, resolve(result), [value => finish(value, ctx)]);
                }
                return finish(result, ctx);
              };
            })()
            """, MERGE_WRAPPER_NAME).buildLiteral();

    final Context context;
    final ScriptKind kind;
    /** Null for a merge script. */
    final Phase phase;
    /** Null for a merge script. */
    final Value onRequest;
    /** Null when the export has no {@code onResponse}, and for a merge script. */
    final Value onResponse;
    /** The wrapped {@code merge} (see {@link #MERGE_WRAPPER}); null for a filter. */
    final Value merge;

    private ModuleInstance(Context context, ScriptKind kind, Phase phase, Value onRequest, Value onResponse,
                           Value merge) {
        this.context = context;
        this.kind = kind;
        this.phase = phase;
        this.onRequest = onRequest;
        this.onResponse = onResponse;
        this.merge = merge;
    }

    /** {@link #load(Context, Source, ScriptKind)} of a filter. */
    static ModuleInstance load(Context context, Source source) throws InvalidModule {
        return load(context, source, ScriptKind.FILTER);
    }

    /**
     * Evaluates {@code source} in {@code context} and validates its default export as a {@code kind}.
     *
     * @throws PolyglotException for syntax errors and exceptions thrown by top-level code
     * @throws InvalidModule     when the default export breaks the contract
     */
    static ModuleInstance load(Context context, Source source, ScriptKind kind) throws InvalidModule {
        return kind == ScriptKind.MERGE ? loadMerge(context, source) : loadFilter(context, source);
    }

    private static ModuleInstance loadMerge(Context context, Source source) throws InvalidModule {
        Value factory = context.eval(MERGE_WRAPPER);
        Value exports = context.eval(source);
        Value def = exports == null ? null : exports.getMember("default");
        if (def == null || def.isNull() || !def.hasMembers()) {
            throw new InvalidModule("the module has no default export object: export default { merge(parts, ctx) }");
        }
        Value merge = def.getMember("merge");
        boolean missing = merge == null || merge.isNull();
        if (missing || !merge.canExecute()) {
            throw new InvalidModule("default export: 'merge' must be a function (merge(parts, ctx) returns the "
                    + "response body)" + (missing ? " (missing)" : ", got " + describe(merge)));
        }
        return new ModuleInstance(context, ScriptKind.MERGE, null, null, null, factory.execute(merge, def));
    }

    private static ModuleInstance loadFilter(Context context, Source source) throws InvalidModule {
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
        return new ModuleInstance(context, ScriptKind.FILTER, phase, onRequest.invokeMember("bind", def),
                onResponse == null ? null : onResponse.invokeMember("bind", def), null);
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

    /** The default export breaks the contract of its kind. */
    static final class InvalidModule extends Exception {
        InvalidModule(String message) {
            super(message, null, false, false);
        }
    }
}
