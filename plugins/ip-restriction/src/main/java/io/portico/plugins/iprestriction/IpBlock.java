package io.portico.plugins.iprestriction;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a bare address meaning a
 * single host). Only IP literals are accepted, so parsing never does a name lookup. An IPv4-mapped IPv6
 * block ({@code ::ffff:10.0.0.0/104}) is stored as the IPv4 block it maps ({@code 10.0.0.0/8}), and an
 * IPv4-mapped client address matches IPv4 blocks. Immutable.
 */
final class IpBlock {
    private final byte[] network;
    private final int prefix;

    private IpBlock(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code addr/prefix} or a bare address.
     *
     * @throws IllegalArgumentException saying what was expected
     */
    static IpBlock parse(String text) {
        String s = text == null ? "" : text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr).orElseThrow(() -> new IllegalArgumentException(
                "expected an IP address or CIDR block like 10.0.0.0/8 or 2001:db8::/32, got '" + text + "'"));
        // InetAddress turns ::ffff:a.b.c.d into the IPv4 address: its prefix counts the 96 mapping bits
        int offset = bytes.length == 4 && addr.indexOf(':') >= 0 ? 96 : 0;
        int max = bytes.length * 8 + offset;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            prefix = p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) ? -1 : Integer.parseInt(p);
            if (prefix < offset || prefix > max) {
                throw new IllegalArgumentException("expected a prefix length " + offset + ".." + max + " in '" + text + "'");
            }
        }
        prefix -= offset;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] &= (byte) mask(prefix, i);
        }
        return new IpBlock(bytes, prefix);
    }

    /**
     * The address bytes of an IP literal (4 for IPv4 and IPv4-mapped IPv6, 16 for other IPv6), accepting
     * {@code [brackets]} and dropping a {@code %zone}; empty when {@code text} is not an IP literal.
     */
    static Optional<byte[]> literal(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0 && s.indexOf(':') >= 0) {
            s = s.substring(0, zone);
        }
        if (!isIpv4(s) && !isIpv6(s)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether the address (as returned by {@link #literal}) lies in this block. */
    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        for (int i = 0; i < address.length; i++) {
            int m = mask(prefix, i);
            if ((address[i] & m) != (network[i] & m)) {
                return false;
            }
        }
        return true;
    }

    private static int mask(int prefix, int byteIndex) {
        int keep = Math.max(0, Math.min(8, prefix - byteIndex * 8));
        return (0xFF << (8 - keep)) & 0xFF;
    }

    private static boolean isIpv4(String s) {
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

    /** Hex digits, ':' and '.' with at least two ':' (no brackets, no zone): never a host name. */
    private static boolean isIpv6(String s) {
        return s.indexOf(':') != s.lastIndexOf(':')
                && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpBlock b && b.prefix == prefix && Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
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
