package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.testing.ScriptedGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot swap and runaway scripts while clients keep sending requests (the runaway has the default 50 ms budget). */
class ScriptUnderLoadTest {
    static final String ROUTES = """
              - id: tagged
                match: { path: /t/** }
                upstream: a
                filters:
                  # a generous budget for the script that must keep serving: on a CPU-starved 2-core box a
                  # trivial call can wait longer than 50 ms for a core, which is not what these tests are about
                  - { type: script, file: tag.js, timeout: 2s }
              - id: loop
                match: { path: /loop/** }
                upstream: a
                filters:
                  - { type: script, file: loop.js }
              - id: throws
                match: { path: /throw/** }
                upstream: a
                filters:
                  - { type: script, file: throws.js }
            """;
    static final String LOOP = """
            export default { phase: 'transform', onRequest(req, ctx) { let i = 0; while (true) { i++; } } };
            """;
    static final String THROWS = """
            export default { phase: 'authorize', onRequest(req, ctx) {
              if (req.headers.has('x-secret-check')) { throw new Error('internal detail: db password is hunter2'); }
            } };
            """;

    @TempDir
    Path dir;
    ScriptedGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private void start() throws Exception {
        gw = ScriptedGateway.start(dir, Map.of("tag.js", ScriptLifecycleTest.tagScript("v0"), "loop.js", LOOP,
                "throws.js", THROWS), ROUTES);
    }

    @Test
    void editsUnderLoadFailNoRequestAndEachVersionIsServedWithinOneSecond() throws Exception {
        start();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = gw.get("/t/x");
                        String version = r.headers().firstValue("X-Version").orElse("?");
                        if (r.statusCode() != 200 || !r.body().contains("x-tag: " + version)) {
                            failures.add(r.statusCode() + " " + version + " " + r.body());
                        } else {
                            ok.incrementAndGet();
                            seen.add(version);
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        List<Long> delays = new ArrayList<>();
        for (int v = 1; v <= 5; v++) {
            Thread.sleep(300);
            String version = "v" + v;
            long t0 = System.nanoTime();
            gw.writeScript("tag.js", ScriptLifecycleTest.tagScript(version));
            while (!seen.contains(version)) {
                if (System.nanoTime() - t0 > 5_000_000_000L) {
                    break;
                }
                Thread.sleep(5);
            }
            delays.add((System.nanoTime() - t0) / 1_000_000);
        }
        Thread.sleep(300);
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }
        System.out.println("hot swap under load: " + ok.get() + " requests ok, change → served (ms): " + delays);
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(1000));
        // the replaced versions were closed once no request held them
        assertThat(gw.library().slots().stream().filter(s -> s.name().equals("tag.js")).findFirst().orElseThrow()
                .current().sha256()).isEqualTo(ScriptEngine.sha256(ScriptLifecycleTest.tagScript("v5").getBytes()));
    }

    @Test
    void anInfiniteLoopIsCutAtItsBudgetWhileOtherRoutesKeepServing() throws Exception {
        start();
        assertThat(gw.get("/t/x").statusCode()).isEqualTo(200);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread client = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = gw.get("/t/x");
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        List<Long> took = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = gw.get("/loop/x");
            took.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(r.body()).contains("urn:portico:problem:filter-error").doesNotContain("while")
                    .doesNotContain("loop.js");
        }
        running.set(false);
        client.join();
        System.out.println("infinite loop answered in (ms): " + took + "; other route meanwhile: " + ok.get() + " ok");
        // cut at its 50 ms budget: the median within 3x, every call well under a second even on a 2-core box
        // whose cores are taken by other builds (the precision itself is WatchdogTest's and ScriptInvokeTest's)
        assertThat(took.stream().sorted().toList().get(took.size() / 2)).isLessThanOrEqualTo(150);
        assertThat(took).allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(600));
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(10);
        ScriptVersion loop = gw.library().slots().stream().filter(s -> s.name().equals("loop.js")).findFirst()
                .orElseThrow().current();
        assertThat(loop.stats().timeouts()).isEqualTo(10);
        assertThat(loop.contextsDiscarded()).isEqualTo(10);
    }

    @Test
    void aThrowingScriptAnswers500WithoutItsMessageAndTheGatewayKeepsServing() throws Exception {
        start();
        HttpResponse<String> r = gw.get("/throw/x", "X-Secret-Check", "1");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("urn:portico:problem:filter-error").doesNotContain("hunter2")
                .doesNotContain("throws.js").doesNotContain("internal detail");
        assertThat(gw.get("/throw/x").statusCode()).isEqualTo(200);
        ScriptVersion v = gw.library().slots().stream().filter(s -> s.name().equals("throws.js")).findFirst()
                .orElseThrow().current();
        assertThat(v.stats().errors()).isEqualTo(1);
        assertThat(v.stats().invocations()).isEqualTo(2);
    }
}
