package io.portico.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends raw bytes to a port and reads whatever comes back, to test what no well-behaved HTTP client
 * would send. {@link Result#closed()} tells whether the server closed the connection.
 */
public final class RawClient {
    private RawClient() {
    }

    /** What came back: the bytes as ISO-8859-1 text, and whether the server closed the connection. */
    public record Result(String text, boolean closed) {
        public int status() {
            if (!text.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        /** The body of the first response (after the first blank line). */
        public String body() {
            int i = text.indexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }

        /** The first response's value of a header (case-insensitive), or null. */
        public String header(String name) {
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            for (String line : head.split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            return null;
        }
    }

    /** Sends {@code request} and reads until the server closes or {@code waitMillis} pass without data. */
    public static Result exchange(int port, String request, int waitMillis) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), waitMillis);
    }

    public static Result exchange(int port, byte[] request, int waitMillis) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(waitMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            boolean closed = false;
            try {
                int r;
                while ((r = in.read(buf)) >= 0) {
                    got.write(buf, 0, r);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true; // reset
            }
            return new Result(got.toString(StandardCharsets.ISO_8859_1), closed);
        }
    }
}
