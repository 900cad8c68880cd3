package io.portico.plugins.acl;

import java.math.BigDecimal;
import java.util.Collection;

/**
 * Whether a claim value (as parsed JSON: String, Number, Boolean, List, Map) matches a configured text value.
 * Stateless.
 */
final class ClaimMatch {
    private ClaimMatch() {
    }

    /**
     * A string equals {@code expected}; a boolean's {@code true}/{@code false} equals it; a number equals it by
     * value ({@code 3} matches {@code 3.0}); an array matches when one of its elements does (elements that are
     * arrays or objects never match). Absent (null) and object claims never match.
     */
    static boolean matches(Object claim, String expected) {
        if (claim instanceof Collection<?> values) {
            for (Object v : values) {
                if (!(v instanceof Collection<?>) && scalar(v, expected)) {
                    return true;
                }
            }
            return false;
        }
        return scalar(claim, expected);
    }

    private static boolean scalar(Object v, String expected) {
        return switch (v) {
            case String s -> s.equals(expected);
            case Boolean b -> b.toString().equals(expected);
            case Number n -> sameNumber(n, expected);
            case null, default -> false;
        };
    }

    private static boolean sameNumber(Number n, String expected) {
        try {
            return new BigDecimal(n.toString()).compareTo(new BigDecimal(expected.strip())) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
