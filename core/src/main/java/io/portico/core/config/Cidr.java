package io.portico.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address block such as {@code 10.0.0.0/8} or {@code ::1/128}. Immutable.
 *
 * @param network the network address bytes (4 or 16), host bits cleared
 * @param prefix  prefix length in bits
 */
public record Cidr(byte[] network, int prefix) {

    /**
     * Parses {@code addr/prefix} or a bare address (a single host). Only IP literals are accepted (IPv4 as a
     * dotted quad, IPv6 without brackets or zone); no name lookups are made.
     *
     * @throws IllegalArgumentException with a message saying what was expected
     */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (!isIpv4Literal(addr) && !isIpv6Literal(addr)) {
            throw new IllegalArgumentException("expected an IP address or CIDR block like 10.0.0.0/8, got '" + text + "'");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("expected an IP address or CIDR block like 10.0.0.0/8, got '" + text + "'");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("expected a prefix length 0.." + max + " in '" + text + "'");
            }
        }
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xFF << (8 - keep));
        }
        return new Cidr(bytes, prefix);
    }

    /** Dotted-quad IPv4 only ({@code 10.0.0.1}), so that {@link InetAddress#getByName} never does a name lookup. */
    private static boolean isIpv4Literal(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Hex digits, ':' and '.' with at least one ':' (no brackets, no zone): parsed as a literal, never looked up. */
    private static boolean isIpv6Literal(String s) {
        return s.indexOf(':') >= 0 && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    }

    /** Whether {@code address} lies in this block; an IPv4-mapped IPv6 address counts as IPv4. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            int mask = (0xFF << (8 - keep)) & 0xFF;
            if ((a[i] & mask) != (network[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
