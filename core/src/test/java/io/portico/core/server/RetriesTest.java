package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import io.portico.core.upstream.Target;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code retries}: which failures are tried again, where, and how many times at most (the budget). */
class RetriesTest {

    private static GatewayFixture gateway(String targets, String extra) {
        return GatewayFixture.upstream(targets, extra);
    }

    private static String list(String... urls) {
        return "[ \"" + String.join("\", \"", urls) + "\" ]";
    }

    /** Answers {@code status} with a small body, counting requests. */
    private static RawUpstream.Responder status(int status, String body, AtomicInteger count) {
        return (r, out, s) -> {
            count.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
        };
    }

    /**
     * The in-flight count falls when the gateway closes the upstream response, just after the client got the
     * last byte: poll briefly rather than race it.
     */
    private static void awaitNoneInFlight(List<Target> targets) throws InterruptedException {
        long end = System.nanoTime() + 2_000_000_000L;
        while (targets.stream().anyMatch(t -> t.inFlight() != 0) && System.nanoTime() - end < 0) {
            Thread.sleep(5);
        }
        assertThat(targets).allSatisfy(t -> assertThat(t.inFlight()).isZero());
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionIsRetriedOnTheOtherTarget() throws Exception {
        String dead = "http://127.0.0.1:" + closedPort();
        try (RawUpstream up = new RawUpstream(RawUpstream.ok("fine"));
             GatewayFixture gw = gateway(list(dead, up.url()), "health: { passive: { failures: 2, eject: 30s } }")) {
            for (int i = 0; i < 10; i++) {
                var r = gw.get("/x" + i);
                assertThat(r.statusCode()).as("request %d", i).isEqualTo(200);
                assertThat(r.body()).isEqualTo("fine");
            }
            // each attempt was recorded on its own target: the dead one is ejected, the live one is not
            List<Target> targets = gw.gateway().snapshot().upstreams().get("up").targets();
            long now = System.nanoTime();
            assertThat(targets.get(0).health().ejectedAt(now)).isTrue();
            assertThat(targets.get(1).health().ejectedAt(now)).isFalse();
            awaitNoneInFlight(targets);
        }
    }

    @Test
    void a503IsRetriedOnTheOtherTarget() throws Exception {
        AtomicInteger badCount = new AtomicInteger();
        try (RawUpstream bad = new RawUpstream(status(503, "busy", badCount));
             RawUpstream good = new RawUpstream(RawUpstream.ok("fine"));
             GatewayFixture gw = gateway(list(bad.url(), good.url()), "")) {
            for (int i = 0; i < 6; i++) {
                var r = gw.get("/x");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("fine");
            }
            assertThat(badCount.get()).isBetween(1, 6);
            awaitNoneInFlight(gw.gateway().snapshot().upstreams().get("up").targets());
        }
    }

    @Test
    void theLast503OfTheOnlyTargetIsRelayedAsIs() throws Exception {
        AtomicInteger count = new AtomicInteger();
        try (RawUpstream up = new RawUpstream(status(503, "busy", count));
             GatewayFixture gw = gateway(list(up.url()), "retries: { attempts: 1 }")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("busy");
            assertThat(r.header("Content-Type")).isEqualTo("text/plain");
            up.take();
            up.take();
            assertThat(up.poll(200)).isNull();
            assertThat(count.get()).isEqualTo(2);
        }
    }

    @Test
    void aPostWithABodyIsNotRetriedOn502Or503() throws Exception {
        for (int code : new int[] {502, 503}) {
            AtomicInteger count = new AtomicInteger();
            try (RawUpstream up = new RawUpstream(status(code, "no", count));
                 RawUpstream other = new RawUpstream(status(code, "no", count));
                 GatewayFixture gw = gateway(list(up.url(), other.url()), "retries: { attempts: 3 }")) {
                var r = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                        + "Connection: close\r\n\r\nabc", 3000);
                assertThat(r.status()).isEqualTo(code);
                assertThat(r.body()).isEqualTo("no");
                Thread.sleep(100);
                assertThat(count.get()).as("upstream requests for %d", code).isEqualTo(1);
            }
        }
    }

    @Test
    void aPostIsRetriedAfterARefusedConnectionWithOrWithoutABody() throws Exception {
        String dead = "http://127.0.0.1:" + closedPort();
        try (RawUpstream up = new RawUpstream(RawUpstream.ok("fine"));
             GatewayFixture gw = gateway(list(dead, up.url()), "")) {
            // no connection was made, so the target cannot have seen the request: safe for any method
            for (int i = 0; i < 4; i++) {
                var r = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
                assertThat(r.status()).as("request %d", i).isEqualTo(200);
                var withBody = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                        + "Connection: close\r\n\r\nz", 3000);
                assertThat(withBody.status()).as("request %d with a body", i).isEqualTo(200);
            }
            assertThat(up.take().bodyText()).isEmpty();
        }
    }

    @Test
    void aPostWithABodyIsNotRetriedOnceItWasSent() throws Exception {
        AtomicInteger otherCount = new AtomicInteger();
        // the first target reads the request, then drops the connection without an answer
        try (RawUpstream dropping = new RawUpstream((req, out, s) -> s.close());
             RawUpstream other = new RawUpstream(status(200, "fine", otherCount));
             GatewayFixture gw = gateway(list(dropping.url(), other.url()), "")) {
            int failed = 0;
            for (int i = 0; i < 2; i++) {
                var r = RawClient.exchange(gw.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                        + "Connection: close\r\n\r\nz", 3000);
                if (r.status() == 502) {
                    failed++;
                }
            }
            assertThat(failed).isEqualTo(1);          // round-robin sends one of the two to the dropping target
            assertThat(dropping.take().bodyText()).isEqualTo("z");
            assertThat(otherCount).hasValue(1);       // and that one was not repeated on the other
        }
    }

    @Test
    void aTimeoutIsNotRetried() throws Exception {
        AtomicInteger count = new AtomicInteger();
        try (RawUpstream up = new RawUpstream((req, out, s) -> {
            count.incrementAndGet();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }); GatewayFixture gw = gateway(list(up.url()), "retries: { attempts: 2 }\n    timeouts: { response: 300ms }")) {
            var r = RawClient.exchange(gw.port(), "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 3000);
            assertThat(r.status()).isEqualTo(504);
            up.take();
            assertThat(up.poll(300)).isNull();
            assertThat(count.get()).isEqualTo(1);
        }
    }

    @Test
    void theBudgetCapsRetriesAtAboutAFifthOfRequests() throws Exception {
        AtomicInteger count = new AtomicInteger();
        try (RawUpstream a = new RawUpstream(status(503, "down", count));
             RawUpstream b = new RawUpstream(status(503, "down", count));
             GatewayFixture gw = gateway(list(a.url(), b.url()), "retries: { attempts: 3 }")) {
            int requests = 100;
            for (int i = 0; i < requests; i++) {
                assertThat(gw.get("/x").statusCode()).isEqualTo(503);
            }
            int extra = count.get() - requests;
            // 0.2 tokens per request plus the initial bucket of 10
            assertThat(extra).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(requests / 5 + 10 + 2);
        }
    }
}
