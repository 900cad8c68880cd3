package io.portico.plugins.testkit;

import io.portico.api.Headers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Case-insensitive headers in insertion order; rejects CR, LF and NUL like the gateway does. */
public final class FakeHeaders implements Headers {
    private final List<Map.Entry<String, String>> entries = new ArrayList<>();

    /** Headers from alternating name/value pairs. */
    public static FakeHeaders of(String... nameValues) {
        FakeHeaders h = new FakeHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Override
    public Optional<String> first(String name) {
        return all(name).stream().findFirst();
    }

    @Override
    public List<String> all(String name) {
        return entries.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    @Override
    public boolean contains(String name) {
        return entries.stream().anyMatch(e -> e.getKey().equalsIgnoreCase(name));
    }

    @Override
    public void set(String name, String value) {
        check(value);
        remove(name);
        entries.add(Map.entry(name, value));
    }

    @Override
    public void add(String name, String value) {
        check(value);
        entries.add(Map.entry(name, value));
    }

    @Override
    public void remove(String name) {
        entries.removeIf(e -> e.getKey().equalsIgnoreCase(name));
    }

    @Override
    public Set<String> names() {
        Set<String> lower = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : entries) {
            if (lower.add(e.getKey().toLowerCase(Locale.ROOT))) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    private static void check(String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("header value contains CR, LF or NUL");
        }
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
