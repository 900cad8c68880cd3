package io.portico.core;

import io.portico.core.config.ConfigLoader;
import com.sun.net.httpserver.HttpServer;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** Hot reload of a running gateway from a real file: atomic swap, drain, invalid edits, under load. */
class ReloadTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A real HTTP server (JDK), deep accept backlog, a virtual thread per exchange; counts requests. */
    private Origin upstream(String name, long delayMillis, AtomicInteger count) throws IOException {
        byte[] body = name.getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            count.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    exchange.close();
                    return;
                }
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Origin o = new Origin(server);
        closing.add(o);
        return o;
    }

    private record Origin(HttpServer server) implements AutoCloseable {
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private Gateway start(Path file) throws Exception {
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        Gateway gw = Gateway.start(loader.load(file)).watchConfig(file, loader);
        closing.add(gw::stop);
        return gw;
    }

    /** Status code of one GET on a fresh connection, or -1 when the exchange failed. */
    private static int get(int port, String path) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                return -1;
            }
            return Integer.parseInt(text.substring(9, 12));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String body(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return text.substring(text.indexOf("\r\n\r\n") + 4);
        }
    }

    private static long awaitMillis(BooleanSupplier condition, long limitMillis) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > limitMillis * 1_000_000) {
                throw new AssertionError("condition not reached within " + limitMillis + " ms");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String config(String targets, String routes) {
        return """
                server: { port: 0 }
                upstreams:
                  svc:
                    targets: [ %s ]
                    timeouts: { connect: 1s, response: 10s }
                routes:
                %s
                """.formatted(targets, routes);
    }

    @Test
    void twoThousandRequestsAcrossAReloadThatChangesRoutesAndRemovesATargetAllSucceed() throws Exception {
        AtomicInteger aCount = new AtomicInteger();
        AtomicInteger bCount = new AtomicInteger();
        AtomicInteger cCount = new AtomicInteger();
        Origin a = upstream("a", 100, aCount);
        Origin b = upstream("b", 100, bCount);
        Origin c = upstream("c", 100, cCount);
        Path file = dir.resolve("portico.yaml");
        String api = "  - { id: api, match: { path: /api/** }, upstream: svc }\n";
        Files.writeString(file, config(q(a) + ", " + q(b) + ", " + q(c),
                api + "  - { id: old, match: { path: /old/** }, upstream: svc }\n"));
        Gateway gw = start(file);
        int port = gw.port();
        assertThat(get(port, "/old/x")).isEqualTo(200);
        assertThat(get(port, "/new/x")).isEqualTo(404);
        Upstream before = gw.snapshot().upstreams().get("svc");
        Target targetC = before.targets().get(2);

        int total = 2_000;
        Map<Integer, Integer> failures = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(total);
        for (int i = 0; i < total; i++) {
            int n = i;
            long startAt = ThreadLocalRandom.current().nextLong(3_000); // spread over 3 s around the reload
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(startAt);
                    int status = get(port, "/api/" + n);
                    if (status != 200) {
                        failures.merge(status, 1, Integer::sum);
                    }
                } catch (InterruptedException e) {
                    failures.merge(-2, 1, Integer::sum);
                } finally {
                    done.countDown();
                }
            });
        }
        awaitMillis(() -> aCount.get() + bCount.get() + cCount.get() >= 400, 10_000);

        // the edit: target c removed, route "old" removed, route "new" added
        Files.writeString(file, config(q(a) + ", " + q(b),
                api + "  - { id: new, match: { path: /new/** }, upstream: svc }\n"));
        long written = System.nanoTime();
        int arrivedAtWrite = aCount.get() + bCount.get() + cCount.get();
        // effective = when the first request that the new route answered was sent (under this load the
        // answer itself may take a while to come back)
        long effective = -1;
        while (effective < 0 && System.nanoTime() - written < 5_000_000_000L) {
            long sent = System.nanoTime();
            if (get(port, "/new/x") == 200) {
                effective = (sent - written) / 1_000_000;
            } else {
                Thread.sleep(10);
            }
        }
        assertThat(effective).as("the new route never answered").isNotNegative();
        int cAtSwitch = cCount.get();

        assertThat(done.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(failures).as("failed requests by status (-1: connection failed)").isEmpty();
        System.out.printf("reload under load: new route effective %d ms after the write; %d requests, 0 failed%n",
                effective, total);
        assertThat(effective).as("ms from the write until the new route answered").isLessThan(1_000);
        assertThat(get(port, "/old/x")).isEqualTo(404);
        // the load really spanned the reload: hundreds of requests before the write and after it
        assertThat(arrivedAtWrite).isLessThan(total - 300);
        assertThat(aCount.get() + bCount.get() + cCount.get()).isGreaterThanOrEqualTo(total);

        // the removed target gets no new requests; a and b are the same targets as before (pools kept)
        for (int i = 0; i < 50; i++) {
            assertThat(body(port, "/api/after")).isIn("a", "b");
        }
        assertThat(cCount.get()).isEqualTo(cAtSwitch);
        Upstream after = gw.snapshot().upstreams().get("svc");
        assertThat(after.targets()).hasSize(2);
        assertThat(after.targets().get(0)).isSameAs(before.targets().get(0));
        assertThat(after.targets().get(1)).isSameAs(before.targets().get(1));
        // drained: once its requests ended, the removed target keeps no connection
        awaitMillis(() -> targetC.inFlight() == 0 && targetC.idleConnections() == 0, 5_000);
    }

    @Test
    void anInvalidEditKeepsTheOldConfigServingAndLogsTheErrorWithItsLine() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Origin a = upstream("a", 0, count);
        Path file = dir.resolve("portico.yaml");
        Files.writeString(file, config(q(a), "  - { id: api, match: { path: /api/** }, upstream: svc }\n"));
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ConfigReload.class.getName());
        logger.addHandler(capture);
        closing.add(() -> logger.removeHandler(capture));
        Gateway gw = start(file);
        int port = gw.port();

        // line 7: a route naming an upstream that does not exist
        Files.writeString(file, config(q(a), "  - { id: api, match: { path: /api/** }, upstream: nope }\n"));
        awaitMillis(() -> gw.reload().status() != null, 5_000);
        assertThat(gw.reload().status().applied()).isFalse();
        assertThat(gw.reload().status().errors()).singleElement()
                .satisfies(e -> assertThat(e.line()).isEqualTo(7));
        // the status is set just before the SEVERE line is published: wait for the line too
        awaitMillis(() -> logged.stream().anyMatch(m -> m.contains("NOT reloaded")), 5_000);
        assertThat(logged).anySatisfy(m -> assertThat(m).contains("NOT reloaded").contains("portico.yaml:7:")
                .contains("nope"));
        assertThat(get(port, "/api/x")).isEqualTo(200);

        // broken YAML: still serving
        Files.writeString(file, "routes: [ { id: x\n");
        awaitMillis(() -> gw.reload().status().errors().stream().anyMatch(e -> e.message().contains("YAML")), 5_000);
        assertThat(get(port, "/api/x")).isEqualTo(200);

        // fixed: applied
        Files.writeString(file, config(q(a), "  - { id: api2, match: { path: /v2/** }, upstream: svc }\n"));
        awaitMillis(() -> get(port, "/v2/x") == 200, 5_000);
        // the status is recorded just after the new snapshot is published: wait for it too
        awaitMillis(() -> gw.reload().status().applied(), 5_000);
        assertThat(gw.reload().status().applied()).isTrue();
        assertThat(get(port, "/api/x")).isEqualTo(404);
    }

    @Test
    void unchangedUpstreamsKeepTheirStateAndTheListenerIsNotRestarted() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Origin a = upstream("a", 0, count);
        Origin dead = upstream("dead", 0, new AtomicInteger());
        dead.close(); // refuses connections: passive health ejects it
        Path file = dir.resolve("portico.yaml");
        String upstreams = """
                server: { port: 0 }
                upstreams:
                  svc:
                    targets: [ %s, %s ]
                    retries: { attempts: 1 }
                    health: { passive: { failures: 1, eject: 60s } }
                """.formatted(q(a), q(dead));
        Files.writeString(file, upstreams + "routes:\n  - { id: one, match: { path: /one/** }, upstream: svc }\n");
        Gateway gw = start(file);
        int port = gw.port();
        for (int i = 0; i < 4; i++) {
            assertThat(get(port, "/one/x")).isEqualTo(200);
        }
        Upstream svc = gw.snapshot().upstreams().get("svc");
        assertThat(svc.available()).hasSize(1);                 // "dead" is ejected
        int idle = svc.targets().get(0).idleConnections();

        Files.writeString(file, upstreams + "routes:\n  - { id: two, match: { path: /two/** }, upstream: svc }\n");
        awaitMillis(() -> get(port, "/two/x") == 200, 5_000);
        assertThat(gw.port()).isEqualTo(port);
        assertThat(gw.snapshot().upstreams().get("svc")).isSameAs(svc);
        assertThat(svc.available()).hasSize(1);                 // still ejected: health state carried over
        assertThat(svc.targets().get(0).idleConnections()).isGreaterThanOrEqualTo(Math.min(idle, 1));
    }

    @Test
    void aChangeToTheServerSectionIsNotAppliedButRoutesAre() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Origin a = upstream("a", 0, count);
        Path file = dir.resolve("portico.yaml");
        Files.writeString(file, config(q(a), "  - { id: api, match: { path: /api/** }, upstream: svc }\n"));
        Gateway gw = start(file);
        int port = gw.port();
        Files.writeString(file, config(q(a), "  - { id: v2, match: { path: /v2/** }, upstream: svc }\n")
                .replace("server: { port: 0 }", "server: { port: 0, max-body-size: 1KB }"));
        awaitMillis(() -> get(port, "/v2/x") == 200, 5_000);
        assertThat(gw.config().server().maxBodySize()).isNotEqualTo(1024);
        assertThat(gw.port()).isEqualTo(port);
    }

    private static String q(Origin u) {
        return "\"" + u.url() + "\"";
    }
}
