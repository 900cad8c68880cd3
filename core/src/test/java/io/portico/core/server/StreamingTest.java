package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies are streamed, never buffered: 1 GiB each way through a gateway running in this test JVM, whose
 * heap is capped at 256 MiB (see the surefire argLine in core/pom.xml).
 */
class StreamingTest {
    private static final long GIB = 1L << 30;

    @Test
    void heapIsSmallerThanTheBodies() {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(300L << 20);
    }

    @Test
    void oneGibUploadIsStreamedToTheUpstream() throws Exception {
        try (RawUpstream up = new RawUpstream(RawUpstream.ok("got it"));
             GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "max-body-size: 2GB");
             Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + GIB + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < GIB; sent += block.length) {
                out.write(block);
            }
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("got it");
            RawUpstream.Received got = up.take();
            assertThat(got.bodyLength()).isEqualTo(GIB);
            assertThat(got.header("Content-Length")).isEqualTo(Long.toString(GIB));
        }
    }

    @Test
    void oneGibChunkedDownloadIsStreamedToTheClient() throws Exception {
        byte[] block = new byte[64 * 1024];
        String chunkHeader = Integer.toHexString(block.length) + "\r\n";
        try (RawUpstream up = new RawUpstream((req, out, sock) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent < GIB; sent += block.length) {
                out.write(chunkHeader.getBytes(StandardCharsets.US_ASCII));
                out.write(block);
                out.write('\r');
                out.write('\n');
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
             GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "");
             Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write("GET /download HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            long total = 0;
            byte[] buf = new byte[256 * 1024];
            int r;
            while ((r = in.read(buf)) >= 0) {
                total += r;
            }
            // the body is re-chunked by the gateway: at least 1 GiB of payload plus framing arrived
            assertThat(total).isGreaterThan(GIB);
        }
    }
}
