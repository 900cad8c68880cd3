package io.portico.core.config;

import java.util.regex.Pattern;

/** Syntax checks for names that appear in the config file (ids, HTTP tokens, host names). Stateless. */
final class Names {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private Names() {
    }

    /** Route ids and upstream names: {@code [A-Za-z0-9][A-Za-z0-9_.-]*}. */
    static boolean isId(String s) {
        return ID.matcher(s).matches();
    }

    /** An HTTP token (RFC 9110 section 5.6.2): method and header names. */
    static boolean isToken(String s) {
        return TOKEN.matcher(s).matches();
    }

    /** A DNS host name (RFC 1123 labels); IPv4 literals pass too. */
    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** A host to match: a host name, or {@code *.} followed by one (any subdomain). */
    static boolean isHostPattern(String s) {
        return isHostName(s.startsWith("*.") ? s.substring(2) : s);
    }

    /** An address to bind: a host name or an IPv4/IPv6 literal (IPv6 without brackets). */
    static boolean isBindHost(String s) {
        if (s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return isIpLiteral(s);
        }
        return isHostName(s);
    }

    /** {@code localhost}, an address in 127.0.0.0/8, or {@code ::1}. No name lookup is made. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!isIpLiteral(host)) {
            return false;
        }
        byte[] a = Cidr.parse(host).network();
        if (a.length == 4) {
            return a[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[15] == 1;
    }

    private static boolean isIpLiteral(String s) {
        if (s.indexOf('/') >= 0 || s.indexOf('%') >= 0) {
            return false;
        }
        try {
            Cidr.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
