package io.portico.core.server;

import io.portico.core.http.HttpSyntax;

import io.portico.core.config.Cidr;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Computes the {@code X-Forwarded-For/Proto/Host} and {@code Forwarded} values sent upstream.
 *
 * <p>Policy (the same as nginx's realip and Envoy's xff_num_trusted_hops, by address rather than count):
 * values a client supplied are kept and appended to only when the connecting peer is in
 * {@code server.trusted-proxies}; from any other peer they are discarded and replaced, so a client cannot
 * forge its address. Immutable; thread-safe.
 */
final class Forwarding {
    private final List<Cidr> trusted;

    Forwarding(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** Whether the peer's own forwarding headers are believed. */
    boolean trusts(InetAddress peer) {
        if (trusted.isEmpty() || peer == null) {
            return false;
        }
        for (Cidr c : trusted) {
            if (c.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** {@code X-Forwarded-For}: the trusted incoming chain (if any) with the peer appended. */
    static String xForwardedFor(String trustedIncoming, String peerIp) {
        return trustedIncoming == null || trustedIncoming.isBlank() ? peerIp : trustedIncoming + ", " + peerIp;
    }

    /** {@code Forwarded} (RFC 7239): the trusted incoming elements (if any) with this hop's element appended. */
    static String forwarded(String trustedIncoming, InetAddress peer, String peerIp, String host, String proto) {
        StringBuilder sb = new StringBuilder(64);
        if (trustedIncoming != null && !trustedIncoming.isBlank()) {
            sb.append(trustedIncoming).append(", ");
        }
        sb.append("for=");
        if (peer instanceof Inet6Address) {
            sb.append("\"[").append(peerIp).append("]\"");
        } else {
            sb.append(peerIp);
        }
        if (host != null && !host.isEmpty()) {
            sb.append(";host=");
            appendValue(sb, host);
        }
        return sb.append(";proto=").append(proto).toString();
    }

    private static void appendValue(StringBuilder sb, String v) {
        boolean token = true;
        for (int i = 0; i < v.length() && token; i++) {
            char c = v.charAt(i);
            token = HttpSyntax.isTokenChar(c);
        }
        if (token) {
            sb.append(v);
        } else {
            Json.quote(sb, v);
        }
    }
}
