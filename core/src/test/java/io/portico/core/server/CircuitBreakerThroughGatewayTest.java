package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-target circuit breakers through a real gateway and real upstreams: open, half-open, close. */
class CircuitBreakerThroughGatewayTest {

    /** Answers {@code body} with 200, or 503 while {@code failing}; counts every request it gets. */
    private static RawUpstream.Responder counting(String body, AtomicBoolean failing, AtomicInteger count) {
        return (req, out, s) -> {
            count.incrementAndGet();
            String status = failing.get() ? "503 Service Unavailable" : "200 OK";
            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        };
    }

    /** Retries off so every failure is seen by the client; no health checks, only the breaker. */
    private static GatewayFixture gateway(String targets, String openFor) {
        return GatewayFixture.start("""
                upstreams:
                  up:
                    targets: [ %s ]
                    retries: { attempts: 0 }
                    circuit-breaker: { failure-ratio: 0.5, window: 4, open-for: %s }
                routes:
                  - id: all
                    match: { path: /** }
                    upstream: up
                """.formatted(targets, openFor));
    }

    private static List<String> getMany(GatewayFixture gw, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = gw.get("/x");
            out.add(r.statusCode() == 200 ? r.body() : Integer.toString(r.statusCode()));
        }
        return out;
    }

    @Test
    void opensOnAFailingTargetHalfOpensAfterOpenForAndClosesWhenItRecovers() throws Exception {
        AtomicBoolean aFailing = new AtomicBoolean(false);
        AtomicBoolean bFailing = new AtomicBoolean(true);
        AtomicInteger aCount = new AtomicInteger();
        AtomicInteger bCount = new AtomicInteger();
        try (RawUpstream a = new RawUpstream(counting("a", aFailing, aCount));
             RawUpstream b = new RawUpstream(counting("b", bFailing, bCount));
             GatewayFixture gw = gateway("\"" + a.url() + "\", \"" + b.url() + "\"", "1s")) {
            // round-robin: b fails every time; its 4th failure fills the window and opens the circuit
            List<String> answers = getMany(gw, 8);
            assertThat(answers).containsOnly("a", "503");
            assertThat(bCount).hasValue(4);

            // open: b gets nothing, every answer comes from a
            answers = getMany(gw, 20);
            assertThat(answers).containsOnly("a");
            assertThat(bCount).hasValue(4);

            // half-open after open-for: exactly one trial, which fails and opens it again
            Thread.sleep(1_100);
            answers = getMany(gw, 10);
            assertThat(bCount).hasValue(5);
            assertThat(answers.stream().filter(x -> x.equals("503")).count()).isEqualTo(1);

            // recovered: the next trial succeeds and closes the circuit; b shares the load again
            bFailing.set(false);
            Thread.sleep(1_100);
            answers = getMany(gw, 10);
            assertThat(answers).containsOnly("a", "b");
            assertThat(bCount.get()).isGreaterThanOrEqualTo(9);   // the trial, then round-robin halves
            assertThat(aCount.get()).isPositive();
        }
    }

    @Test
    void whenEveryCircuitIsOpenTheAnswerIsAFast503WithRetryAfterAndNothingIsSent() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        AtomicInteger count = new AtomicInteger();
        try (RawUpstream a = new RawUpstream(counting("a", failing, count));
             GatewayFixture gw = gateway("\"" + a.url() + "\"", "30s")) {
            assertThat(getMany(gw, 4)).containsOnly("503");    // relayed from the target
            assertThat(count).hasValue(4);

            long start = System.nanoTime();
            HttpResponse<String> r = gw.get("/x");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("urn:portico:problem:circuit-open").doesNotContain("127.0.0.1");
            assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Long.parseLong(v)).isBetween(25L, 30L));
            assertThat(count).hasValue(4);                      // the target saw nothing
            assertThat(millis).isLessThan(1_000);
        }
    }

    @Test
    void halfOpenLetsOneTrialThroughAndRefusesOthersWhileItRuns() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        AtomicInteger count = new AtomicInteger();
        java.util.concurrent.CountDownLatch trialArrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseTrial = new java.util.concurrent.CountDownLatch(1);
        RawUpstream.Responder fast = counting("a", failing, count);
        try (RawUpstream a = new RawUpstream(fast);
             GatewayFixture gw = gateway("\"" + a.url() + "\"", "500ms")) {
            getMany(gw, 4);
            assertThat(count).hasValue(4);
            // the trial hangs until released
            failing.set(false);
            AtomicInteger arrivals = new AtomicInteger();
            a.responder((req, out, s) -> {
                arrivals.incrementAndGet();
                trialArrived.countDown();
                try {
                    releaseTrial.await();
                } catch (InterruptedException e) {
                    return;
                }
                fast.respond(req, out, s);
            });
            Thread.sleep(600);
            var trial = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return gw.get("/x");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(trialArrived.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            HttpResponse<String> other = gw.get("/x");          // POST or GET alike: nothing is sent
            assertThat(other.statusCode()).isEqualTo(503);
            assertThat(other.body()).contains("circuit-open");
            assertThat(other.headers().firstValue("Retry-After")).isPresent();
            assertThat(arrivals).hasValue(1);                   // the refused request was never sent

            releaseTrial.countDown();
            HttpResponse<String> t = trial.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(t.statusCode()).isEqualTo(200);
            assertThat(count).hasValue(5);                      // the trial only (counted when answered)
            a.responder(fast);
            assertThat(getMany(gw, 3)).containsOnly("a");       // closed again
        }
    }
}
