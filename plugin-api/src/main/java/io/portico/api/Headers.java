package io.portico.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A mutable, case-insensitive view of HTTP header fields. Same threading as {@link Exchange}.
 * Values are strings of visible ASCII, space and tab; setting a value with CR, LF or NUL throws
 * {@link IllegalArgumentException} (header injection is not possible through this API).
 */
public interface Headers {

    /** The first value of {@code name}. */
    Optional<String> first(String name);

    /** Every value of {@code name}, in order; empty when absent. */
    List<String> all(String name);

    /** Whether {@code name} is present. */
    boolean contains(String name);

    /** Replaces every value of {@code name} with {@code value}. */
    void set(String name, String value);

    /** Adds a value, keeping the existing ones. */
    void add(String name, String value);

    /** Removes every value of {@code name}; nothing when absent. */
    void remove(String name);

    /** The names present, in their first-seen spelling. */
    Set<String> names();
}
