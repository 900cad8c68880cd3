package io.portico.core.config;

/**
 * The filter types a configuration may use, as the loader needs them: whether a type exists and the record
 * its entries bind to. Implemented by the plugin registry; must be thread-safe.
 */
public interface FilterTypes {

    /** The config record class of {@code type}, or null when no such type is loaded. */
    Class<? extends Record> configType(String type);

    /** No filter types at all. */
    static FilterTypes none() {
        return type -> null;
    }
}
