package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** 502, 503 and 504 as problem+json with the request id and no internal address. */
class UpstreamErrorsTest {

    private static GatewayFixture gateway(String targets, String extra) {
        return GatewayFixture.upstream(targets, extra);
    }

    private static void assertProblem(RawClient.Result r, int status, int upstreamPort) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"status\":" + status)
                .contains("\"instance\":\"" + r.header("X-Request-Id") + "\"")
                .doesNotContain("127.0.0.1").doesNotContain("Exception");
        if (upstreamPort > 0) {
            assertThat(r.body()).doesNotContain(Integer.toString(upstreamPort));
        }
    }

    @Test
    void connectionRefusedIs502() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (GatewayFixture gw = gateway("[ \"http://127.0.0.1:" + port + "\" ]", "")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 3000);
            assertProblem(r, 502, port);
            assertThat(r.closed()).isFalse(); // nothing unread: the client connection stays usable
        }
    }

    @Test
    void connectionResetBeforeAnswerIs502() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            s.setSoLinger(true, 0);
            s.close();
        }); GatewayFixture gw = gateway("[ \"" + up.url() + "\" ]", "")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertProblem(r, 502, up.port());
        }
    }

    @Test
    void garbageAnswerIs502() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            out.write("SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.close();
        }); GatewayFixture gw = gateway("[ \"" + up.url() + "\" ]", "")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertProblem(r, 502, up.port());
        }
    }

    @Test
    void noTargetIs503() throws Exception {
        try (GatewayFixture gw = gateway("[]", "")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertProblem(r, 503, -1);
        }
    }

    @Test
    void slowUpstreamIs504WithinTheConfiguredTimeout() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }); GatewayFixture gw = gateway("[ \"" + up.url() + "\" ]", "timeouts: { response: 500ms }")) {
            long t0 = System.nanoTime();
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 4000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertProblem(r, 504, up.port());
            assertThat(ms).isBetween(450L, 1500L);
        }
    }

    @Test
    void routeTimeoutOverridesTheUpstreams() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }); GatewayFixture gw = GatewayFixture.start("""
                upstreams:
                  up: { targets: [ "%s" ], timeouts: { response: 10s } }
                routes:
                  - id: all
                    match: { path: /** }
                    upstream: up
                    timeout: 300ms
                """.formatted(up.url()))) {
            long t0 = System.nanoTime();
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 4000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertProblem(r, 504, up.port());
            assertThat(ms).isLessThan(2000L);
        }
    }

    @Test
    void upstreamDyingMidBodyAbortsTheClientConnection() throws Exception {
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            s.setSoLinger(true, 0);
            s.close();
        }); GatewayFixture gw = gateway("[ \"" + up.url() + "\" ]", "")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 3000);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.closed()).isTrue();
            assertThat(r.body().length()).isLessThan(100000);
        }
    }
}
