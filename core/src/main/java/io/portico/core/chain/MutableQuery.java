package io.portico.core.chain;

import io.portico.api.Query;
import io.portico.core.route.PercentCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link Query} filters see: parsed from the raw query once, decoded like the router decodes query
 * predicates ({@code %XX} as UTF-8, {@code +} as space). Parameters nobody changed keep their original
 * encoding when re-encoded; new values are percent-encoded (everything but {@code A-Za-z0-9-._~}, space as
 * {@code %20}). One request's thread; not thread-safe.
 */
public final class MutableQuery implements Query {
    private final String original;
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    /** The original {@code name=value} text of each parameter, or null for one a filter set. */
    private final List<String> raw = new ArrayList<>();
    private boolean changed;

    /** @param rawQuery the query without {@code ?}, still encoded; null or empty for none */
    public MutableQuery(String rawQuery) {
        this.original = rawQuery == null || rawQuery.isEmpty() ? null : rawQuery;
        if (original == null) {
            return;
        }
        int len = original.length();
        int start = 0;
        while (start <= len) {
            int amp = original.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            if (end > start) {
                int eq = original.indexOf('=', start);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                names.add(PercentCodec.decode(original, start, nameEnd, true));
                values.add(nameEnd == end ? "" : PercentCodec.decode(original, nameEnd + 1, end, true));
                raw.add(original.substring(start, end));
            }
            start = end + 1;
        }
    }

    /** Whether a filter changed anything. */
    public boolean changed() {
        return changed;
    }

    /** The query to forward, without {@code ?}: the original text when unchanged; null when there is none. */
    public String encoded() {
        if (!changed) {
            return original;
        }
        if (names.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append('&');
            }
            String r = raw.get(i);
            if (r != null) {
                sb.append(r);
            } else {
                encode(sb, names.get(i));
                sb.append('=');
                encode(sb, values.get(i));
            }
        }
        return sb.toString();
    }

    @Override
    public Optional<String> first(String name) {
        int i = names.indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(values.get(i));
    }

    @Override
    public List<String> all(String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                out.add(values.get(i));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Replaces every value of {@code name}; the new value takes the place of the first old one. */
    @Override
    public void set(String name, String value) {
        check(name, value);
        int at = names.indexOf(name);
        remove(name);
        at = at < 0 ? names.size() : Math.min(at, names.size());
        names.add(at, name);
        values.add(at, value);
        raw.add(at, null);
        changed = true;
    }

    @Override
    public void add(String name, String value) {
        check(name, value);
        names.add(name);
        values.add(value);
        raw.add(null);
        changed = true;
    }

    @Override
    public void remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equals(name)) {
                names.remove(i);
                values.remove(i);
                raw.remove(i);
                changed = true;
            }
        }
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    private static void check(String name, String value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a query parameter name cannot be empty");
        }
        if (value == null) {
            throw new IllegalArgumentException("query parameter " + name + ": the value cannot be null");
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static void encode(StringBuilder sb, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
    }
}
