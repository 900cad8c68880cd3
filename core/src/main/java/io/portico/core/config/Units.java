package io.portico.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration and size notations used in the config file, for the loader and for filters that read
 * such values from their options. Stateless and thread-safe.
 *
 * <ul>
 *   <li>Durations: a non-negative integer followed by {@code ms}, {@code s}, {@code m} or {@code h}
 *       (lower case), e.g. {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1h}. A bare number is rejected:
 *       its unit would be a guess.</li>
 *   <li>Sizes: a non-negative integer optionally followed by {@code B}, {@code KB}, {@code MB} or
 *       {@code GB} (any case, binary multiples: 1KB = 1024 bytes), e.g. {@code 512KB}; a bare number is
 *       bytes.</li>
 * </ul>
 * Whether zero is acceptable is up to the caller; the loader requires values greater than zero.
 */
public final class Units {
    /** What a duration looks like, for messages ("expected ..."). */
    public static final String DURATION_FORMAT = "a duration like 500ms, 5s, 1m, 1h";
    /** What a size looks like, for messages ("expected ..."). */
    public static final String SIZE_FORMAT = "a size like 512KB, 10MB, 1GB or a number of bytes";

    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("([0-9]+) ?([KMG]?B)?", Pattern.CASE_INSENSITIVE);

    private Units() {
    }

    /**
     * Parses a duration such as {@code 500ms}.
     *
     * @throws IllegalArgumentException if {@code text} is not a duration; the message says what was expected
     *                                  (without echoing the text)
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + DURATION_FORMAT);
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected " + DURATION_FORMAT + " (this one is too large)");
        }
    }

    /**
     * Parses a size such as {@code 10MB} into bytes.
     *
     * @throws IllegalArgumentException if {@code text} is not a size; the message says what was expected
     *                                  (without echoing the text)
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + SIZE_FORMAT);
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return Math.multiplyExact(n, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected " + SIZE_FORMAT + " (this one is too large)");
        }
    }

    /** Renders a byte count the way a user would write it: {@code 1MB}, {@code 8KB}, {@code 8000 bytes}. */
    public static String formatSize(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KB";
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }

    /** Renders a duration the way a user would write it: {@code 1h}, {@code 5s}, {@code 250ms}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms > 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms > 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms > 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
