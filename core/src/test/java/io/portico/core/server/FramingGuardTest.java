package io.portico.core.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte-level framing check, without sockets: fed whole and byte by byte, it must agree. */
class FramingGuardTest {
    private static final String HEAD = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static int whole(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return new FramingGuard().inspect(b, b.length);
    }

    /** Feeds one byte at a time; returns the offset of the first rejected byte, or the length. */
    private static int byteByByte(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        FramingGuard g = new FramingGuard();
        for (int i = 0; i < b.length; i++) {
            if (g.inspect(new byte[] {b[i]}, 1) == 0) {
                return i;
            }
        }
        return b.length;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            HEAD + "5\r\nhello\r\n0\r\n\r\n",
            HEAD + "5;name=value\r\nhello\r\n0\r\n\r\n",
            HEAD + "A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n+5\r\nxPOST /b HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n",
            "\r\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n",
    })
    void acceptsValidFraming(String s) {
        assertThat(whole(s)).isEqualTo(s.length());
        assertThat(byteByByte(s)).isEqualTo(s.length());
    }

    @Test
    void rejectsSignedChunkSizeAtTheLineEnd() {
        String s = HEAD + "+5\r\nhello\r\n0\r\n\r\n";
        int at = whole(s);
        assertThat(at).isLessThan(s.length()).isGreaterThanOrEqualTo(HEAD.length());
        assertThat(byteByByte(s)).isEqualTo(at);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz\r\n", "-5\r\n", "\r\n", " 5\r\n", "5 \r\n", "0x5\r\n", "ffffffffffffffff\r\n",
            "5\n", "5\rx", "5\r\nhelloXX0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5;a\u0000\r\n"})
    void rejectsInvalidChunkSyntax(String body) {
        String s = HEAD + body;
        int at = whole(s);
        assertThat(at).as(body).isGreaterThanOrEqualTo(HEAD.length()).isLessThan(s.length());
        assertThat(byteByByte(s)).as(body).isEqualTo(at);
    }

    @Test
    void rejectsATabInTheMethodAtThatByte() {
        assertThat(whole("GET\t/x HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(3);
        assertThat(byteByByte("GET\t/x HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(3);
    }

    @Test
    void fixedLengthBodiesAreSkippedNotParsed() {
        String body = "5\r\nzz\r\n"; // would be invalid chunking, but it is a Content-Length body
        String s = "POST /a HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body + "GET / HTTP/1.1\r\n\r\n";
        assertThat(whole(s)).isEqualTo(s.length());
    }
}
