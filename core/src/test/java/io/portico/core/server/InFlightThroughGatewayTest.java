package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import io.portico.core.upstream.Target;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static io.portico.core.server.BalancingThroughGatewayTest.awaitZero;
import static org.assertj.core.api.Assertions.assertThat;

/** However a proxied request ends, its target's in-flight count returns to zero. */
class InFlightThroughGatewayTest {

    private static Target target(GatewayFixture gw) {
        return gw.gateway().snapshot().upstreams().get("up").targets().get(0);
    }

    @Test
    void success() throws Exception {
        try (RawUpstream up = new RawUpstream(BalancingThroughGatewayTest.ok("hi"));
             GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "")) {
            for (int i = 0; i < 20; i++) {
                assertThat(gw.get("/x").statusCode()).isEqualTo(200);
            }
            awaitZero(target(gw));
        }
    }

    @Test
    void upstreamResetIs502() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            s.setSoLinger(true, 0);
            s.close();
        }); GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertThat(r.status()).isEqualTo(502);
            awaitZero(target(gw));
        }
    }

    @Test
    void upstreamTimeoutIs504() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }); GatewayFixture gw = GatewayFixture.start("""
                upstreams:
                  up: { targets: [ "%s" ], timeouts: { response: 200ms } }
                routes:
                  - { id: all, match: { path: /** }, upstream: up }
                """.formatted(up.url()))) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertThat(r.status()).isEqualTo(504);
            awaitZero(target(gw));
        }
    }

    @Test
    void clientVanishesWhileItsBodyIsStreamedUpstream() throws Exception {
        try (RawUpstream up = new RawUpstream(BalancingThroughGatewayTest.ok("hi"));
             GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
                OutputStream out = s.getOutputStream();
                out.write("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[40_000]); // past the 16 KiB prefetch: the upstream request has started
                out.flush();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (target(gw).inFlight() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(target(gw).inFlight()).isEqualTo(1);
            }
            awaitZero(target(gw));
        }
    }

    @Test
    void clientVanishesWhileTheResponseIsStreamed() throws Exception {
        byte[] big = new byte[8 << 20];
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(big);
            out.flush();
        }); GatewayFixture gw = GatewayFixture.proxyingTo(up.url(), "")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
                s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                assertThat(in.readNBytes(12)).asString(StandardCharsets.US_ASCII).isEqualTo("HTTP/1.1 200");
                assertThat(target(gw).inFlight()).isEqualTo(1);
                s.setSoLinger(true, 0);
            }
            awaitZero(target(gw));
        }
    }
}
