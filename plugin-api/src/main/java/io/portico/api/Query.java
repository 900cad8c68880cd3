package io.portico.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The query parameters of the request, decoded ({@code %20} and {@code +} as space). Mutable; changes are
 * re-encoded into the forwarded query. Same threading as {@link Exchange}.
 */
public interface Query {

    /** The first value of {@code name}. */
    Optional<String> first(String name);

    /** Every value of {@code name}, in order. */
    List<String> all(String name);

    /** Replaces every value of {@code name}. */
    void set(String name, String value);

    /** Adds a value, keeping the existing ones. */
    void add(String name, String value);

    /** Removes every value of {@code name}. */
    void remove(String name);

    /** The names present, in order of first appearance. */
    Set<String> names();
}
