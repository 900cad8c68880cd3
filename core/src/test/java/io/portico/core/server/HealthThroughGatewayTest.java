package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import io.portico.core.upstream.Target;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Passive ejection, active checks and "no target available" through a real gateway and real upstreams. */
class HealthThroughGatewayTest {

    /** 200 with {@code body} in one write; 500 on {@code /health} while {@code sick[0]}. */
    private static RawUpstream.Responder serving(String body, boolean[] sick) {
        return (req, out, s) -> {
            boolean health = req.target().startsWith("/health");
            String status = health && sick[0] ? "500 Internal Server Error" : "200 OK";
            String text = health ? "ok" : body;
            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + text.length()
                    + "\r\n\r\n" + text).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        };
    }

    /** An upstream that has died: every connection is dropped without an answer. */
    private static final RawUpstream.Responder DEAD = (req, out, s) -> s.close();

    /** Retries are off: these tests count the failures clients see (RetriesTest covers retries with health). */
    private static GatewayFixture gateway(String a, String b, String health) {
        return GatewayFixture.start("""
                upstreams:
                  up:
                    targets: [ "%s", "%s" ]
                    timeouts: { connect: 500ms, response: 2s }
                    retries: { attempts: 0 }
                    health: %s
                routes:
                  - id: all
                    match: { path: /** }
                    upstream: up
                """.formatted(a, b, health));
    }

    private static List<String> getMany(GatewayFixture gw, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = gw.get("/x");
            out.add(r.statusCode() == 200 ? r.body() : Integer.toString(r.statusCode()));
        }
        return out;
    }

    private static void await(BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("condition not reached within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }

    private static long errors(List<String> answers) {
        return answers.stream().filter(x -> !x.equals("a") && !x.equals("b")).count();
    }

    @Test
    void passiveEjectsADeadTargetAfterFailuresAndTriesItAgainAfterEject() throws Exception {
        boolean[] fine = {false};
        try (RawUpstream a = new RawUpstream(serving("a", fine));
             RawUpstream b = new RawUpstream(serving("b", fine));
             GatewayFixture gw = gateway(a.url(), b.url(), "{ passive: { failures: 2, eject: 700ms } }")) {
            assertThat(getMany(gw, 4)).containsExactlyInAnyOrder("a", "a", "b", "b");

            b.responder(DEAD);
            List<String> answers = getMany(gw, 20);
            assertThat(errors(answers)).isEqualTo(2);              // bounded by failures
            assertThat(answers.subList(answers.size() - 12, answers.size())).containsOnly("a");

            // still dead after the ejection: one trial request fails and ejects it again at once
            Thread.sleep(800);
            answers = getMany(gw, 10);
            assertThat(errors(answers)).isBetween(1L, 2L);
            assertThat(answers.subList(answers.size() - 5, answers.size())).containsOnly("a");

            // revived: after the ejection it gets traffic again
            b.responder(serving("b", fine));
            Thread.sleep(800);
            answers = getMany(gw, 10);
            assertThat(errors(answers)).isZero();
            assertThat(answers).contains("a", "b");
        }
    }

    @Test
    void passiveEjectsAStoppedTargetWhoseConnectionsAreRefused() throws Exception {
        boolean[] fine = {false};
        try (RawUpstream a = new RawUpstream(serving("a", fine));
             RawUpstream b = new RawUpstream(serving("b", fine));
             GatewayFixture gw = gateway(a.url(), b.url(), "{ passive: { failures: 3, eject: 30s } }")) {
            assertThat(getMany(gw, 2)).containsExactlyInAnyOrder("a", "b");
            b.close(); // listener gone: new connections are refused, pooled ones are dropped
            List<String> answers = getMany(gw, 20);
            assertThat(errors(answers)).isBetween(1L, 3L);
            assertThat(answers.subList(answers.size() - 10, answers.size())).containsOnly("a");
        }
    }

    @Test
    void activeChecksTakeAFailingTargetOutAndReadmitIt() throws Exception {
        boolean[] aSick = {false};
        boolean[] bSick = {false};
        try (RawUpstream a = new RawUpstream(serving("a", aSick));
             RawUpstream b = new RawUpstream(serving("b", bSick));
             GatewayFixture gw = gateway(a.url(), b.url(),
                     "{ active: { path: /health, interval: 100ms, timeout: 300ms, healthy: 2, unhealthy: 2 } }")) {
            Target tb = gw.gateway().snapshot().upstreams().get("up").targets().get(1);
            assertThat(getMany(gw, 4)).contains("a", "b");

            bSick[0] = true;
            await(() -> !tb.health().healthy(), 2_000);             // ~ interval × unhealthy
            assertThat(getMany(gw, 10)).containsOnly("a");

            bSick[0] = false;
            await(() -> tb.health().healthy(), 2_000);
            assertThat(getMany(gw, 6)).contains("a", "b");
        }
    }

    @Test
    void noAvailableTargetIs503WithRetryAfter() throws Exception {
        boolean[] fine = {false};
        try (RawUpstream a = new RawUpstream(serving("a", fine));
             RawUpstream b = new RawUpstream(serving("b", fine));
             GatewayFixture gw = gateway(a.url(), b.url(), "{ passive: { failures: 1, eject: 5s } }")) {
            a.responder(DEAD);
            b.responder(DEAD);
            List<String> answers = getMany(gw, 2);
            assertThat(answers).containsOnly("502");

            HttpResponse<String> r = gw.get("/x");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Long.parseLong(v)).isBetween(1L, 5L));
            assertThat(r.body()).contains("\"status\":503", "no-healthy-target").doesNotContain("127.0.0.1");
        }
    }

    @Test
    void activeOnlyAllDownRetryAfterIsTheInterval() throws Exception {
        boolean[] sick = {true};
        try (RawUpstream a = new RawUpstream(serving("a", sick));
             RawUpstream b = new RawUpstream(serving("b", sick));
             GatewayFixture gw = gateway(a.url(), b.url(),
                     "{ active: { path: /health, interval: 100ms, timeout: 300ms, healthy: 1, unhealthy: 1 } }")) {
            var up = gw.gateway().snapshot().upstreams().get("up");
            await(() -> up.available().isEmpty(), 2_000);
            HttpResponse<String> r = gw.get("/x");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        }
    }
}
