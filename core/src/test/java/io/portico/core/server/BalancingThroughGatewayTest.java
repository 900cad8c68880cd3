package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import io.portico.core.upstream.Target;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Balancers through a real gateway and real upstreams on loopback ports. */
class BalancingThroughGatewayTest {

    /**
     * 200 with {@code body}, head and body in one write: {@link RawUpstream#ok} writes twice, and Nagle
     * plus delayed ACKs then cost about 40 ms per request, far too slow for thousands of requests.
     */
    static RawUpstream.Responder ok(String body) {
        byte[] bytes = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return (req, out, s) -> {
            out.write(bytes);
            out.flush();
        };
    }

    private static GatewayFixture gateway(String upstreamBody) {
        return GatewayFixture.start("""
                upstreams:
                  up:
                %s
                routes:
                  - id: all
                    match: { path: /** }
                    upstream: up
                """.formatted(upstreamBody.indent(4)));
    }

    /** Sends {@code total} GETs from {@code threads} virtual threads; counts the answers by body. */
    private static Map<String, Integer> hammer(GatewayFixture gw, int total, int threads) throws Exception {
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        List<Thread> started = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int k = 0; k < total / threads; k++) {
                        HttpResponse<String> r = gw.get("/x");
                        assertThat(r.statusCode()).isEqualTo(200);
                        counts.computeIfAbsent(r.body(), x -> new AtomicInteger()).incrementAndGet();
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        assertThat(failures).isEmpty();
        Map<String, Integer> out = new HashMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Test
    void weightedThreeToOneSendsThreeQuartersToTheHeavierTarget() throws Exception {
        try (RawUpstream a = new RawUpstream(ok("a"));
             RawUpstream b = new RawUpstream(ok("b"));
             GatewayFixture gw = gateway("""
                     balancer: weighted
                     targets:
                       - { url: "%s", weight: 3 }
                       - { url: "%s", weight: 1 }
                     """.formatted(a.url(), b.url()))) {
            Map<String, Integer> counts = hammer(gw, 4000, 8);
            assertThat(counts.get("a") + counts.get("b")).isEqualTo(4000);
            assertThat(counts.get("a")).isBetween(2800, 3200);
        }
    }

    @Test
    void consistentHashOnHeaderSendsEachUserToOneTarget() throws Exception {
        try (RawUpstream a = new RawUpstream(ok("a"));
             RawUpstream b = new RawUpstream(ok("b"));
             RawUpstream c = new RawUpstream(ok("c"));
             GatewayFixture gw = gateway("""
                     balancer: consistent-hash
                     hash-on: header:X-User
                     targets: [ "%s", "%s", "%s" ]
                     """.formatted(a.url(), b.url(), c.url()))) {
            Map<String, String> targetOf = new HashMap<>();
            for (int round = 0; round < 4; round++) {
                for (int u = 0; u < 60; u++) {
                    String user = "user-" + u;
                    // header names are case-insensitive: the config says X-User, clients send any case
                    HttpResponse<String> r = gw.get("/x", round % 2 == 0 ? "x-user" : "X-USER", user);
                    assertThat(r.statusCode()).isEqualTo(200);
                    String previous = targetOf.putIfAbsent(user, r.body());
                    if (previous != null) {
                        assertThat(r.body()).as(user).isEqualTo(previous);
                    }
                }
            }
            assertThat(targetOf.values()).contains("a", "b", "c");
        }
    }

    @Test
    void consistentHashOnCookieAndParam() throws Exception {
        try (RawUpstream a = new RawUpstream(ok("a"));
             RawUpstream b = new RawUpstream(ok("b"));
             GatewayFixture onCookie = gateway("""
                     balancer: consistent-hash
                     hash-on: cookie:sid
                     targets: [ "%s", "%s" ]
                     """.formatted(a.url(), b.url()));
             GatewayFixture onParam = gateway("""
                     balancer: consistent-hash
                     hash-on: param:tenant
                     targets: [ "%s", "%s" ]
                     """.formatted(a.url(), b.url()))) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int u = 0; u < 30; u++) {
                String key = "k " + u;
                String byCookie = onCookie.get("/x", "Cookie", "theme=dark; sid=\"" + key + "\"; x=1").body();
                assertThat(onCookie.get("/y", "Cookie", "sid=" + key).body()).isEqualTo(byCookie);
                String byParam = onParam.get("/x?a=1&tenant=k+" + u).body();
                assertThat(onParam.get("/z?tenant=k%20" + u + "&tenant=other").body()).isEqualTo(byParam);
                // same key, same ring (same target URLs): both gateways agree
                assertThat(byParam).isEqualTo(byCookie);
                seen.add(byCookie);
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void consistentHashOnIpKeepsAClientOnOneTarget() throws Exception {
        try (RawUpstream a = new RawUpstream(ok("a"));
             RawUpstream b = new RawUpstream(ok("b"));
             GatewayFixture gw = gateway("""
                     balancer: consistent-hash
                     targets: [ "%s", "%s" ]
                     """.formatted(a.url(), b.url()))) {
            String first = gw.get("/x").body();
            for (int i = 0; i < 20; i++) {
                assertThat(gw.get("/x" + i, "X-User", "u" + i).body()).isEqualTo(first);
            }
        }
    }

    @Test
    void leastRequestsAvoidsTheTargetThatIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RawUpstream.Responder held = (req, out, s) -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ok("slow").respond(req, out, s);
        };
        try (RawUpstream slow = new RawUpstream(held);
             RawUpstream fast = new RawUpstream(ok("fast"));
             GatewayFixture gw = gateway("""
                     balancer: least-requests
                     targets: [ "%s", "%s" ]
                     """.formatted(slow.url(), fast.url()))) {
            var targets = gw.gateway().snapshot().upstreams().get("up").targets();
            Target slowTarget = targets.get(0);
            Target fastTarget = targets.get(1);
            // Both idle: ties go either way. Send one request at a time until one is held by the slow target.
            List<Thread> background = new ArrayList<>();
            for (int i = 0; i < 40 && slowTarget.inFlight() == 0; i++) {
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        gw.get("/bg");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                background.add(t);
                while (t.isAlive() && slowTarget.inFlight() == 0) {
                    Thread.sleep(2);
                }
            }
            assertThat(slowTarget.inFlight()).isEqualTo(1);
            for (int i = 0; i < 50; i++) {
                // the previous answer's close() may run just after the client has it: wait for the count
                awaitZero(fastTarget);
                assertThat(gw.get("/x").body()).isEqualTo("fast");
            }
            assertThat(slowTarget.inFlight()).isEqualTo(1);
            release.countDown();
            for (Thread t : background) {
                t.join();
            }
            awaitZero(slowTarget);
            awaitZero(fastTarget);
        }
    }

    /** Waits (up to 5 s) until no request to {@code target} is in flight. */
    static void awaitZero(Target target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (target.inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(target.inFlight()).as("in flight to " + target).isZero();
    }
}
