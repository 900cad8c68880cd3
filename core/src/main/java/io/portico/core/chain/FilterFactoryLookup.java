package io.portico.core.chain;

import io.portico.api.FilterFactory;

/**
 * Where the chain builder finds the factory of a filter type (implemented by the plugin host's registry).
 * Must be thread-safe; called off the request path only, when a configuration is applied.
 */
@FunctionalInterface
public interface FilterFactoryLookup {

    /** The factory of {@code type}, or null when no such type is loaded. */
    FilterFactory<?> factory(String type);

    /** A lookup that knows no type. */
    static FilterFactoryLookup none() {
        return type -> null;
    }
}
