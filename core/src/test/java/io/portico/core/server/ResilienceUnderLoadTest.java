package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.portico.core.server.BalancingThroughGatewayTest.awaitZero;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Upstreams that stay up": a target that dies under load is hidden from clients (passive ejection plus
 * retries), and one that comes back on the same port is readmitted by the active checks.
 */
class ResilienceUnderLoadTest {

    private static final int CLIENT_THREADS = 12;

    /** 200 with {@code body} in one write (so a kill can never cut a response between head and body), counted. */
    private static RawUpstream.Responder counting(String body, AtomicInteger count) {
        return counting(body, count, 0);
    }

    /** As {@link #counting(String, AtomicInteger)}, after thinking for {@code millis} (0: none). */
    private static RawUpstream.Responder counting(String body, AtomicInteger count, int millis) {
        byte[] bytes = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
        return (req, out, s) -> {
            if (!"portico-health-check".equals(req.header("User-Agent"))) {
                count.incrementAndGet();
            }
            if (millis > 0) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            out.write(bytes);
            out.flush();
        };
    }

    private static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + ": not reached within " + millis + " ms");
            }
            Thread.sleep(5);
        }
    }

    /** One client request: when it was sent (nanoTime), and its status and body or the client-side error. */
    private record Outcome(String path, long sentAt, int status, String body, String error) {
    }

    /** GETs from {@link #CLIENT_THREADS} threads, each one after the other, until {@link #stop()}. */
    private static final class Load {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final AtomicInteger done = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Load(GatewayFixture gw) {
            for (int i = 0; i < CLIENT_THREADS; i++) {
                int id = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int n = 0; running; n++) {
                        String path = "/load/" + id + "/" + n;
                        HttpRequest req = HttpRequest.newBuilder(gw.uri(path))
                                .timeout(Duration.ofSeconds(10)).GET().build();
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            outcomes.add(new Outcome(path, sent, r.statusCode(), r.body(), null));
                        } catch (Exception e) {
                            outcomes.add(new Outcome(path, sent, -1, "", e.toString()));
                        }
                        done.incrementAndGet();
                    }
                }));
            }
        }

        void awaitRequests(int n) throws InterruptedException {
            await(() -> done.get() >= n, 5_000, n + " client requests");
        }

        List<Outcome> stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(15_000);
            }
            http.close();
            return new ArrayList<>(outcomes);
        }
    }

    /**
     * Three targets under continuous load from 12 clients; one is stopped (listener closed, so new
     * connections are refused, and every open keep-alive connection closed). Its requests in flight and the
     * stale connections the gateway still has pooled to it fail, are retried on the survivors, and after
     * {@code failures} failures it is ejected: every client request gets 200, and none sent after the kill is
     * answered by the dead target. Responses are written in one piece and at once, so the kill never cuts a
     * response that has started (that case fails by design: the client connection is aborted).
     */
    @Test
    void killingATargetUnderLoadCostsNoClientAnError() throws Exception {
        AtomicInteger countA = new AtomicInteger();
        AtomicInteger countB = new AtomicInteger();
        AtomicInteger countC = new AtomicInteger();
        // a few ms per answer: when c is stopped, some requests have reached it and are not answered yet
        RawUpstream a = new RawUpstream(counting("a", countA, 3));
        RawUpstream b = new RawUpstream(counting("b", countB, 3));
        RawUpstream c = new RawUpstream(counting("c", countC, 3));
        try (a; b; c; GatewayFixture gw = GatewayFixture.start("""
                upstreams:
                  up:
                    targets: [ "%s", "%s", "%s" ]
                    balancer: round-robin
                    timeouts: { connect: 1s, response: 5s }
                    retries: { attempts: 2 }
                    health: { passive: { failures: 3, eject: 30s } }
                routes:
                  - { id: all, match: { path: /** }, upstream: up }
                """.formatted(a.url(), b.url(), c.url()))) {
            Upstream up = gw.gateway().snapshot().upstreams().get("up");
            Target deadTarget = up.targets().get(2);
            int deadPort = c.port();

            Load load = new Load(gw);
            long started = System.nanoTime();
            load.awaitRequests(300); // every client has pooled connections, and so has the gateway to c
            Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - started) / 1_000_000));
            assertThat(countC.get()).as("c served before the kill").isPositive();

            int requestsBeforeKill = load.done.get();
            c.close();
            long killed = System.nanoTime();

            await(() -> deadTarget.health().ejectedAt(System.nanoTime()), 3_000, "c ejected");
            long ejected = deadTarget.health().ejectedUntil() - Duration.ofSeconds(30).toNanos(); // eject: 30s
            // Requests the balancer gave c before it left the candidate list are stragglers: they may still
            // connect to it (and fail, and be retried). The list is updated a little after the ejection itself
            // (TargetHealth logs before it notifies the upstream), so the cut-off is when c left the list.
            await(() -> !up.available().contains(deadTarget), 3_000, "c no longer a candidate");
            long leftList = System.nanoTime();
            // a listener on the dead port again: any connection the gateway still opens to c is seen here
            // (it records the request line, then drops the connection, so that such a request fails again)
            ConcurrentLinkedQueue<String> spied = new ConcurrentLinkedQueue<>();
            try (ServerSocket spy = new ServerSocket()) {
                spy.setReuseAddress(true);
                spy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), deadPort), 50);
                Thread.ofVirtual().start(() -> {
                    while (!spy.isClosed()) {
                        try (Socket s = spy.accept()) {
                            s.setSoTimeout(2000);
                            byte[] line = new byte[200];
                            int n = s.getInputStream().read(line);
                            String text = n <= 0 ? "" : new String(line, 0, n, StandardCharsets.ISO_8859_1);
                            spied.add(text.split(" ").length > 1 ? text.split(" ")[1] : "(nothing)");
                        } catch (Exception e) {
                            if (spy.isClosed()) {
                                return;
                            }
                        }
                    }
                });
                int atSpy = load.done.get();
                Thread.sleep(Math.max(0, 2000 - (System.nanoTime() - killed) / 1_000_000));
                load.awaitRequests(atSpy + 300); // enough traffic while c is ejected to tell
            }
            List<Outcome> outcomes = load.stop();

            List<Outcome> failed = outcomes.stream().filter(o -> o.status != 200).toList();
            long afterKill = outcomes.stream().filter(o -> o.sentAt - killed > 0).count();
            long fromCAfterKill = outcomes.stream().filter(o -> o.sentAt - killed > 0 && "c".equals(o.body)).count();
            Map<String, Integer> byBody = new ConcurrentHashMap<>();
            outcomes.forEach(o -> byBody.merge(o.body, 1, Integer::sum));
            System.out.printf("kill under load: %d requests (%d before the kill, %d sent after), %d failed %s; "
                            + "c ejected %d ms after the kill, out of the candidate list %d us later; answers %s; "
                            + "upstream counts a=%d b=%d c=%d; spy saw %s; retry tokens left %d%n",
                    outcomes.size(), requestsBeforeKill, afterKill, failed.size(), failed.stream().limit(5).toList(),
                    (ejected - killed) / 1_000_000, (leftList - ejected) / 1000, byBody,
                    countA.get(), countB.get(), countC.get(), spied, up.retryBudget().tokens());

            assertThat(failed).as("client requests that did not get 200").isEmpty();
            assertThat(afterKill).isGreaterThan(200);
            assertThat(fromCAfterKill).as("answers from c to requests sent after it was stopped").isZero();
            // every answer came from exactly one upstream request on a or b (they never fail, so nothing
            // was retried away from them); c received at least what it answered (more: requests cut by the kill)
            assertThat(byBody.getOrDefault("a", 0) + byBody.getOrDefault("b", 0))
                    .isEqualTo(countA.get() + countB.get());
            assertThat(countC.get()).isGreaterThanOrEqualTo(byBody.getOrDefault("c", 0));
            assertThat(byBody.keySet()).containsOnly("a", "b", "c");
            // ejected, and not contacted at all while ejected; the survivors are untouched
            long now = System.nanoTime();
            assertThat(deadTarget.health().ejectedAt(now)).isTrue();
            // The only connections allowed are those of stragglers (see above): sent by their client before c
            // left the candidate list, they reached c's port after the spy was listening.
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            outcomes.forEach(o -> sentAt.put(o.path, o.sentAt));
            assertThat(spied).as("requests to c while it was ejected, other than stragglers").allSatisfy(path -> {
                assertThat(sentAt).containsKey(path);
                assertThat(sentAt.get(path) - leftList).isNegative();
            });
            assertThat(spied.size()).isLessThanOrEqualTo(CLIENT_THREADS);
            assertThat(up.targets().subList(0, 2)).allSatisfy(t -> {
                assertThat(t.health().ejectedAt(now)).isFalse();
                assertThat(t.health().consecutiveFailures()).isZero();
            });
            for (Target t : up.targets()) {
                awaitZero(t);
            }
        }
    }

    /**
     * Active checks readmit a target that comes back on the same port: it is marked unhealthy while down
     * and gets no traffic, then, once restarted, it is healthy after {@code healthy} good probes and receives
     * real requests again within a bounded time, the stale connections pooled to its old process notwithstanding.
     */
    @Test
    void aTargetRestartedOnTheSamePortIsReadmittedByActiveChecks() throws Exception {
        AtomicInteger countA = new AtomicInteger();
        AtomicInteger countB = new AtomicInteger();
        RawUpstream a = new RawUpstream(counting("a", countA));
        RawUpstream b = new RawUpstream(counting("b", countB));
        RawUpstream revived = null;
        try (a; GatewayFixture gw = GatewayFixture.start("""
                upstreams:
                  up:
                    targets: [ "%s", "%s" ]
                    timeouts: { connect: 500ms, response: 2s }
                    retries: { attempts: 1 }
                    health: { active: { path: /health, interval: 150ms, timeout: 300ms, healthy: 2, unhealthy: 2 } }
                routes:
                  - { id: all, match: { path: /** }, upstream: up }
                """.formatted(a.url(), b.url()))) {
            Upstream up = gw.gateway().snapshot().upstreams().get("up");
            Target tb = up.targets().get(1);
            for (int i = 0; i < 6; i++) {
                assertThat(gw.get("/warm").statusCode()).isEqualTo(200); // b has pooled connections now
            }
            assertThat(countB.get()).isPositive();

            int port = b.port();
            b.close();
            await(() -> !tb.health().healthy(), 3_000, "b unhealthy");
            int bBefore = countB.get();
            for (int i = 0; i < 10; i++) {
                var r = gw.get("/down");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            }

            AtomicInteger countRevived = new AtomicInteger();
            revived = new RawUpstream(counting("b", countRevived), port);
            long restarted = System.nanoTime();
            await(() -> tb.health().healthy(), 3_000, "b healthy again");
            long healthyAfterMs = (System.nanoTime() - restarted) / 1_000_000;
            List<String> bodies = new ArrayList<>();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (countRevived.get() == 0 && System.nanoTime() - deadline < 0) {
                var r = gw.get("/up");
                assertThat(r.statusCode()).isEqualTo(200);
                bodies.add(r.body());
            }
            long trafficAfterMs = (System.nanoTime() - restarted) / 1_000_000;
            for (int i = 0; i < 10; i++) {
                var r = gw.get("/up");
                assertThat(r.statusCode()).isEqualTo(200);
                bodies.add(r.body());
            }
            System.out.printf("readmission: healthy %d ms after the restart, first request %d ms after; answers %s%n",
                    healthyAfterMs, trafficAfterMs, bodies);

            assertThat(countB.get()).as("requests to the old b while it was down").isEqualTo(bBefore);
            assertThat(countRevived.get()).as("requests to the revived b").isPositive();
            assertThat(bodies).contains("a", "b");
            // 2 probes at a 150 ms interval: well under a second, even on a loaded machine
            assertThat(trafficAfterMs).isLessThan(1_500);
        } finally {
            b.close();
            if (revived != null) {
                revived.close();
            }
        }
    }
}
