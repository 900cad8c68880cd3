package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** 413, 414, 431 and the header deadline, each as problem+json where the connection allows an answer. */
class EdgeLimitsTest {
    private static RawUpstream upstream;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new RawUpstream();
        gw = GatewayFixture.proxyingTo(upstream.url(), "max-body-size: 4KB, max-request-line: 8KB, max-header-size: 4KB, max-headers: 20, header-timeout: 1s, idle-timeout: 1s");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        upstream.close();
    }

    private static void assertProblem(RawClient.Result r, int status) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"status\":" + status).doesNotContain("Exception").doesNotContain("127.0.0.1");
    }

    @Test
    void bodyOverLimitIs413() throws Exception {
        long before = upstream.bytesReceived();
        var r = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n" + "a".repeat(5000), 2000);
        assertProblem(r, 413);
        assertThat(r.closed()).isTrue();
        assertThat(upstream.bytesReceived()).isEqualTo(before);
    }

    @Test
    void chunkedBodyOverLimitIs413WhileStreaming() throws Exception {
        long before = upstream.bytesReceived();
        String chunk = "a".repeat(3000);
        var r = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "bb8\r\n" + chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n", 2000);
        assertProblem(r, 413);
        assertThat(r.closed()).isTrue();
        assertThat(upstream.bytesReceived()).isEqualTo(before);
    }

    @Test
    void bodyAtTheLimitPasses() throws Exception {
        var r = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n"
                + "b".repeat(4096), 2000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.take().body()).hasSize(4096);
    }

    @Test
    void requestLineOverLimitIs414() throws Exception {
        var r = RawClient.exchange(gw.port(), "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 2000);
        assertProblem(r, 414);
    }

    @Test
    void requestLineOf8000OctetsIsAccepted() throws Exception {
        String target = "/" + "a".repeat(8000 - "GET  HTTP/1.1".length() - 1);
        var r = RawClient.exchange(gw.port(), "GET " + target + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 2000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.take().target()).isEqualTo(target);
    }

    @Test
    void headerSectionOverLimitIs431() throws Exception {
        var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(5000) + "\r\n\r\n", 2000);
        assertProblem(r, 431);
    }

    @Test
    void tooManyHeaderFieldsIs431() throws Exception {
        StringBuilder sb = new StringBuilder("GET /x HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 25; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        var r = RawClient.exchange(gw.port(), sb.append("\r\n").toString(), 2000);
        assertProblem(r, 431);
        assertThat(r.closed()).isTrue();
    }

    @Test
    void stalledRequestBodyIsCutOffAndNothingReachesTheUpstream() throws Exception {
        long before = upstream.bytesReceived();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            s.setSoTimeout(6000);
            OutputStream out = s.getOutputStream();
            out.write("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            int r;
            try {
                r = in.readAllBytes().length;
            } catch (java.net.SocketException reset) {
                r = 0;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r).as("no response to a request whose body never completed").isZero();
            assertThat(ms).isBetween(800L, 4000L);
        }
        assertThat(upstream.bytesReceived()).isEqualTo(before);
    }

    @Test
    void slowHeaderSectionIsCutOffAtTheDeadline() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /x HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            int r;
            try {
                r = in.read();
            } catch (java.net.SocketException reset) {
                r = -1;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r).isEqualTo(-1);
            assertThat(ms).isBetween(500L, 4000L);
        }
    }
}
