package io.portico.core.server;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: keeps a well-formed client-supplied {@code X-Request-Id}, otherwise makes a new one.
 *
 * <p>A client value is kept only when it is 1..128 characters of {@code [A-Za-z0-9._:-]} (so it is safe to
 * log and to echo in headers); anything else is replaced. New ids are 32 lower-case hex digits (128 random
 * bits from {@link ThreadLocalRandom}: unique, not secret). Thread-safe, lock-free.
 */
public final class RequestIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** The id to use for a request whose {@code X-Request-Id} header is {@code supplied} (may be null). */
    public static String accept(String supplied) {
        return supplied != null && wellFormed(supplied) ? supplied : generate();
    }

    static boolean wellFormed(String s) {
        int n = s.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo = r.nextLong();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xF];
            out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xF];
        }
        return new String(out);
    }
}
