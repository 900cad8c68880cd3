package io.portico.core.route;

import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding helpers shared by path parameters, query predicates and the balancer's query lookup. Lenient: a {@code %} not
 * followed by two hex digits is kept literally; bytes are read as UTF-8 and malformed sequences become
 * U+FFFD. Returns the input (or a substring) without copying when there is nothing to decode.
 */
public final class PercentCodec {

    private PercentCodec() {
    }

    /** Value of a hex digit, or -1. */
    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /** Decodes all of {@code s}. */
    static String decode(String s, boolean plusAsSpace) {
        return decode(s, 0, s.length(), plusAsSpace);
    }

    /**
     * Decodes {@code s[from, to)}: {@code %XX} escapes to bytes, optionally {@code +} to space, then
     * UTF-8 to a String.
     */
    public static String decode(String s, int from, int to, boolean plusAsSpace) {
        int first = from;
        while (first < to) {
            char c = s.charAt(first);
            if (c == '%' || (plusAsSpace && c == '+')) {
                break;
            }
            first++;
        }
        if (first == to) {
            return from == 0 && to == s.length() ? s : s.substring(from, to);
        }
        byte[] buf = new byte[(to - from) * 3];
        int n = 0;
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to) {
                int h1 = hexValue(s.charAt(i + 1));
                int h2 = hexValue(s.charAt(i + 2));
                if (h1 >= 0 && h2 >= 0) {
                    buf[n++] = (byte) ((h1 << 4) | h2);
                    i += 3;
                    continue;
                }
                buf[n++] = '%';
                i++;
            } else if (c == '+' && plusAsSpace) {
                buf[n++] = ' ';
                i++;
            } else if (c < 0x80) {
                buf[n++] = (byte) c;
                i++;
            } else {
                int cp;
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    cp = Character.toCodePoint(c, s.charAt(i + 1));
                    i += 2;
                } else {
                    cp = Character.isSurrogate(c) ? 0xFFFD : c;
                    i++;
                }
                n = putUtf8(buf, n, cp);
            }
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static int putUtf8(byte[] buf, int n, int cp) {
        if (cp < 0x800) {
            buf[n++] = (byte) (0xC0 | (cp >> 6));
            buf[n++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf[n++] = (byte) (0xE0 | (cp >> 12));
            buf[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[n++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            buf[n++] = (byte) (0xF0 | (cp >> 18));
            buf[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            buf[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[n++] = (byte) (0x80 | (cp & 0x3F));
        }
        return n;
    }
}
