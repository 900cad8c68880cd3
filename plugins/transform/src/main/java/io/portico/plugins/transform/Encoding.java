package io.portico.plugins.transform;

import java.nio.charset.StandardCharsets;

/** How path parameter values are made safe for the place they are inserted into. */
final class Encoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Encoding() {
    }

    /** Percent-encodes (UTF-8) every character not allowed as-is in a path segment (so also {@code /}). */
    static String pathSegment(String value) {
        return encode(value, Encoding::isSegmentChar);
    }

    /** Percent-encodes (UTF-8) characters other than visible ASCII, space and tab, so no header injection. */
    static String headerValue(String value) {
        return encode(value, c -> c == '\t' || (c >= 0x20 && c < 0x7F));
    }

    /** RFC 3986 pchar minus '%' (which is encoded): unreserved, sub-delims, ':' and '@'. */
    static boolean isSegmentChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
    }

    private static String encode(String value, java.util.function.IntPredicate keep) {
        boolean plain = value.chars().allMatch(keep);
        if (plain) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && keep.test(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }
}
