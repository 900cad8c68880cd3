package io.portico.plugins.testkit;

import io.portico.api.Query;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Decoded query parameters in order (names are case-sensitive). */
public final class FakeQuery implements Query {
    private final List<Map.Entry<String, String>> entries = new ArrayList<>();

    /** A query from alternating name/value pairs. */
    public static FakeQuery of(String... nameValues) {
        FakeQuery q = new FakeQuery();
        for (int i = 0; i < nameValues.length; i += 2) {
            q.add(nameValues[i], nameValues[i + 1]);
        }
        return q;
    }

    @Override
    public Optional<String> first(String name) {
        return all(name).stream().findFirst();
    }

    @Override
    public List<String> all(String name) {
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        entries.add(Map.entry(name, value));
    }

    @Override
    public void add(String name, String value) {
        entries.add(Map.entry(name, value));
    }

    @Override
    public void remove(String name) {
        entries.removeIf(e -> e.getKey().equals(name));
    }

    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        entries.forEach(e -> names.add(e.getKey()));
        return names;
    }
}
