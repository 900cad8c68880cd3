package io.portico.api;

import org.pf4j.ExtensionPoint;

/**
 * Creates filters of one type from their configuration; what a plugin contributes (annotate the
 * implementation with {@code @org.pf4j.Extension}).
 *
 * <p>Lifecycle: the gateway asks {@link #type()}, {@link #phase()} and {@link #configType()} when the plugin
 * loads. Every {@code filters:} entry whose {@code type} is {@link #type()} is bound to a {@code C} when the
 * configuration is loaded: YAML keys in kebab-case map to record components in camelCase
 * ({@code max-age} → {@code maxAge}); see {@link ConfigDefault} for defaults and the package documentation
 * for the supported component types. A binding error, or an {@link IllegalArgumentException} thrown by the
 * record's constructor, makes the configuration invalid, with the file, line, key and message. Then
 * {@link #create} is called once per entry; the filter lives as long as that configuration is in effect.
 *
 * <p>Implementations must be thread-safe and stateless apart from what {@code create} captures; never keep
 * plugin objects in static fields of classes outside the plugin (it pins the plugin's class loader).
 *
 * @param <C> the config record type
 */
public interface FilterFactory<C extends Record> extends ExtensionPoint {

    /** The name used as {@code type:} in the configuration, e.g. {@code cors}. Lower-case, {@code [a-z0-9-]+}. */
    String type();

    /** The phase the filters run in. */
    Phase phase();

    /** The record the {@code filters:} entry is bound to (its keys other than {@code type}, {@code on-error}, {@code before}, {@code after}). */
    Class<C> configType();

    /**
     * A filter for one configuration entry. Called off the request path, when a configuration is applied.
     *
     * @throws IllegalArgumentException when the config is unusable for a reason the record could not check;
     *                                  the configuration is then rejected with this message
     */
    GatewayFilter create(C config, FilterContext context);
}
