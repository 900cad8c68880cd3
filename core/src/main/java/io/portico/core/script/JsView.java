package io.portico.core.script;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Base of the binding objects with a fixed set of members ({@code req}, {@code res}, {@code ctx},
 * {@code ctx.log}, {@code ctx.span}): lists them for {@code Object.keys}, answers {@code in}, and refuses
 * writes and deletes with a JS {@code TypeError} unless a subclass accepts the write. Subclasses are
 * confined to the request's thread.
 */
abstract class JsView implements ProxyObject {
    private final String name;
    private final String[] keys;

    /**
     * @param name the name scripts know the object by, for error messages ({@code req})
     * @param keys every member, in the order {@code Object.keys} lists them (not modified)
     */
    JsView(String name, String[] keys) {
        this.name = name;
        this.keys = keys;
    }

    @Override
    public final Object getMemberKeys() {
        return new JsValues.ReadOnlyArray(keys, name);
    }

    @Override
    public final boolean hasMember(String key) {
        for (String k : keys) {
            if (k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses the write: a subclass overrides this for its assignable members and calls it for the rest. */
    @Override
    public void putMember(String key, Value value) {
        throw JsErrors.typeError(hasMember(key) ? name + "." + key + " is read-only"
                : name + " has no member '" + key + "'");
    }

    @Override
    public final boolean removeMember(String key) {
        throw JsErrors.typeError("cannot delete " + name + "." + key);
    }

    /** {@code req}, {@code ctx}…: the name used in error messages. */
    final String name() {
        return name;
    }
}
