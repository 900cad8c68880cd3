package io.portico.api;

import java.util.Objects;

/**
 * A typed key for per-request {@link Exchange#attribute attributes} shared between filters (and scripts).
 * Keys compare by identity: create each one once, as a {@code static final} constant of the filter that owns
 * it, and share the constant.
 *
 * <p>Scripts see attributes by name ({@code ctx.attributes.tenant}). A value a script sets is stored under the
 * existing key of that name, or under a new {@code Object}-typed key; {@link Exchange#attribute(AttributeKey)}
 * finds such a value with any key of the same name whose type accepts it (script strings are {@code String},
 * numbers {@code Double} or {@code Long}, booleans {@code Boolean}).
 *
 * @param <T> the value type
 */
public final class AttributeKey<T> {
    private final String name;
    private final Class<T> type;

    private AttributeKey(String name, Class<T> type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    /** A new key; {@code name} is for diagnostics (and the name scripts see). */
    public static <T> AttributeKey<T> of(String name, Class<T> type) {
        return new AttributeKey<>(name, type);
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return name + ":" + type.getSimpleName();
    }
}
