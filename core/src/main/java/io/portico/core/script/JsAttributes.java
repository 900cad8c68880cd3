package io.portico.core.script;

import io.portico.api.AttributeKey;
import io.portico.core.chain.ExchangeBase;
import java.util.Objects;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * {@code ctx.attributes}: a live view of the request's attributes by name, shared with Java filters
 * ({@link ExchangeBase#attributeNamed(String)}).
 *
 * <p>Reading {@code ctx.attributes.x} gives the value stored under any {@link AttributeKey} named {@code x}:
 * strings, numbers and booleans as they are, lists and maps as read-only views, anything else as its
 * {@code toString()}; {@code undefined} when absent. Assigning stores a copy converted by
 * {@link JsValues#toJava} (string → {@code String}, integral number → {@code Long}, other number →
 * {@code Double}, boolean → {@code Boolean}, array/object → unmodifiable {@code List}/{@code Map}); assigning
 * null/undefined or {@code delete} removes it. A value an existing key's type does not accept throws a JS
 * {@code TypeError}. {@code Object.keys} lists the names set so far. Confined to the request's thread.
 */
final class JsAttributes implements ProxyObject {
    private static final String LABEL = "ctx.attributes";
    private final ExchangeBase exchange;

    JsAttributes(ExchangeBase exchange) {
        this.exchange = Objects.requireNonNull(exchange, "exchange");
    }

    @Override
    public Object getMember(String key) {
        return JsValues.wrap(exchange.attributeNamed(key), LABEL);
    }

    @Override
    public Object getMemberKeys() {
        return new JsValues.ReadOnlyArray(exchange.attributeNames().toArray(), LABEL);
    }

    @Override
    public boolean hasMember(String key) {
        return exchange.attributeNamed(key) != null;
    }

    @Override
    public void putMember(String key, Value value) {
        Object v = JsValues.toJava(value, LABEL + "." + key);
        try {
            exchange.attributeNamed(key, v);
        } catch (IllegalArgumentException e) {
            throw JsErrors.typeError(LABEL + "." + key + ": " + e.getMessage());
        }
    }

    @Override
    public boolean removeMember(String key) {
        exchange.attributeNamed(key, null);
        return true;
    }
}
