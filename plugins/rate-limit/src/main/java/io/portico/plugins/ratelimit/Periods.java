package io.portico.plugins.ratelimit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a limit's {@code per}: the gateway's duration notation plus days ({@code 1d}, {@code 30d}). */
final class Periods {
    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    private Periods() {
    }

    /** @throws IllegalArgumentException starting with {@code per:} when the text is not a positive period */
    static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("per: expected a period like 1s, 1m, 1h, 1d or 30d, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("per: must be more than 0, got '" + text + "'");
        }
        return d;
    }
}
