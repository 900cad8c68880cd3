package io.portico.core.route;

import java.util.Locale;

/**
 * The {@code match.host} predicate. Case-insensitive; the request's port (and one trailing dot) is
 * ignored. {@code *.example.com} matches any name ending in {@code .example.com} with at least one
 * more label ({@code a.example.com}, {@code a.b.example.com}), but not {@code example.com}. Does not
 * allocate.
 */
final class HostMatcher {

    /** Exact host, or the suffix including its leading dot for a wildcard. Lower-case. */
    private final String name;
    private final boolean wildcard;

    private HostMatcher(String name, boolean wildcard) {
        this.name = name;
        this.wildcard = wildcard;
    }

    static HostMatcher of(String configured) {
        String host = configured.trim().toLowerCase(Locale.ROOT);
        int end = hostEnd(host);
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        host = host.substring(0, end);
        if (host.startsWith("*.")) {
            return new HostMatcher(host.substring(1), true);
        }
        return new HostMatcher(host, false);
    }

    boolean matches(String requestHost) {
        if (requestHost == null) {
            return false;
        }
        int end = hostEnd(requestHost);
        if (end > 0 && requestHost.charAt(end - 1) == '.') {
            end--;
        }
        int n = name.length();
        if (wildcard) {
            return end > n && requestHost.regionMatches(true, end - n, name, 0, n);
        }
        return end == n && requestHost.regionMatches(true, 0, name, 0, n);
    }

    /** End of the host part: before ":port", keeping an IPv6 literal "[...]" whole. */
    private static int hostEnd(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host.length() : close + 1;
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host.length() : colon;
    }

    @Override
    public String toString() {
        return wildcard ? "*" + name : name;
    }
}
