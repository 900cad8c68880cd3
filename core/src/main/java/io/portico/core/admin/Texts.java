package io.portico.core.admin;

import java.time.Duration;
import java.time.Instant;

/** How the admin API spells durations and instants (the config file's units; ISO-8601 UTC). Stateless. */
final class Texts {
    private Texts() {
    }

    /** {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1h}: the largest unit that divides it; null stays null. */
    static String duration(Duration d) {
        if (d == null) {
            return null;
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    static String instant(Instant t) {
        return t == null ? null : t.toString();
    }
}
