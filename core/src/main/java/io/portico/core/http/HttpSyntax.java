package io.portico.core.http;

/** RFC 9110 syntax predicates shared by the server side and the upstream client. Stateless. */
public final class HttpSyntax {
    private HttpSyntax() {
    }

    /** Whether {@code c} is a {@code tchar}: the characters allowed in a token (method, field name). */
    public static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Whether the comma-separated list {@code value} contains {@code token} (case-insensitive, OWS trimmed). */
    public static boolean hasToken(String value, String token) {
        for (String t : value.split(",")) {
            if (t.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
