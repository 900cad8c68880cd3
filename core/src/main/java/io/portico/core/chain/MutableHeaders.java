package io.portico.core.chain;

import io.portico.api.Headers;
import io.portico.core.http.HttpSyntax;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A mutable, case-insensitive, ordered list of header fields: the {@link Headers} filters see. Names must
 * be tokens; values may hold visible characters, space and tab (and Latin-1 {@code obs-text}), never CR, LF,
 * NUL or other controls, so a filter cannot inject a header line. One request's thread; not thread-safe.
 */
public final class MutableHeaders implements Headers {
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    /** Adds a field without validation: for copying fields the gateway already validated. */
    public void addTrusted(String name, String value) {
        names.add(name);
        values.add(value);
    }

    /** The number of fields (a name with two values counts twice). */
    public int size() {
        return names.size();
    }

    /** The name of field {@code i}, as spelled when added. */
    public String name(int i) {
        return names.get(i);
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return values.get(i);
    }

    @Override
    public Optional<String> first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return Optional.of(values.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                out.add(values.get(i));
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean contains(String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Replaces every value of {@code name}; the new value takes the place of the first old one. */
    @Override
    public void set(String name, String value) {
        checkName(name);
        checkValue(name, value);
        int at = -1;
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
                at = i;
            }
        }
        if (at < 0) {
            names.add(name);
            values.add(value);
        } else {
            names.add(at, name);
            values.add(at, value);
        }
    }

    @Override
    public void add(String name, String value) {
        checkName(name);
        checkValue(name, value);
        names.add(name);
        values.add(value);
    }

    @Override
    public void remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
    }

    @Override
    public Set<String> names() {
        Set<String> lower = new java.util.HashSet<>();
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (lower.add(n.toLowerCase(java.util.Locale.ROOT))) {
                out.add(n);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ").append(values.get(i));
        }
        return sb.append('}').toString();
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a header name cannot be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!HttpSyntax.isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("invalid character in header name '" + printable(name) + "'");
            }
        }
    }

    private static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + ": the value cannot be null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("header " + name
                        + ": the value may hold only visible characters, space and tab (found U+"
                        + String.format("%04X", (int) c) + ")");
            }
        }
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
