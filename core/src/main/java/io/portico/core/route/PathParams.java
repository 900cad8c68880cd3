package io.portico.core.route;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The path parameters captured by a {@link PathPattern} match: parameter name to the raw segment,
 * still percent-encoded exactly as in the normalized path (so {@code /files/a%2Fb} against
 * {@code /files/{name}} gives {@code a%2Fb}).
 *
 * <p>Immutable and thread-safe. {@link #get} does not allocate; {@link #decoded} and {@link #asMap}
 * allocate on each call.
 */
public final class PathParams {

    /** No parameters. */
    public static final PathParams EMPTY = new PathParams(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;

    /** Takes ownership of both arrays (same length, names distinct). */
    PathParams(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /**
     * The raw value of a parameter. Does not allocate.
     *
     * @param name parameter name as written in the pattern, without braces
     * @return the raw (percent-encoded) value, or {@code null} if the pattern has no such parameter
     */
    public String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /**
     * The value with every escape decoded and the bytes read as UTF-8 (invalid sequences become
     * U+FFFD). {@code +} stays {@code +}. Note that a decoded value may contain {@code /} or
     * {@code \} (from {@code %2F}, {@code %5C}); use {@link #get} when building paths.
     *
     * @param name parameter name
     * @return the decoded value, or {@code null} if the pattern has no such parameter
     */
    public String decoded(String name) {
        String raw = get(name);
        return raw == null ? null : PercentCodec.decode(raw, false);
    }

    /**
     * {@return name to raw value, in the order the parameters appear in the pattern; unmodifiable}
     */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            map.put(names[i], values[i]);
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * {@return parameter names in pattern order}
     */
    public List<String> names() {
        return List.of(names);
    }

    /**
     * {@return number of parameters}
     */
    public int size() {
        return names.length;
    }

    /**
     * {@return true if there are no parameters}
     */
    public boolean isEmpty() {
        return names.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathParams other
                && Arrays.equals(names, other.names) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
