package io.portico.api;

import java.util.Locale;

/**
 * A size in bytes, written in configuration as {@code 512}, {@code 512B}, {@code 64KB}, {@code 10MB} or
 * {@code 1GB} (binary multiples: 1KB = 1024 bytes). Use it as a config record component type.
 *
 * @param bytes at least 0
 */
public record ByteSize(long bytes) {
    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative, got " + bytes);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static ByteSize parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        long mult = 1;
        String digits = t;
        if (t.endsWith("KB")) {
            mult = 1024;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("MB")) {
            mult = 1024 * 1024;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("GB")) {
            mult = 1024L * 1024 * 1024;
            digits = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            digits = t.substring(0, t.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected a size like 512, 64KB or 10MB, got '" + text + "'");
        }
        return new ByteSize(Long.parseLong(digits) * mult);
    }
}
