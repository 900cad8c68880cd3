package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Decision;
import io.portico.core.chain.MutableResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls through the bindings against fake plugin-api views; time budgets; failures; concurrency. */
class ScriptInvokeTest {
    static ScriptEngine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        engine = new ScriptEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /**
     * Functional tests run with a 1 s budget: the first call of a fresh script in a cold JVM (lazy parsing
     * of the function body, first host exceptions) measured up to ~50 ms on a busy 2-core machine. The
     * timeout test uses the default 50 ms.
     */
    ScriptVersion compile(String text) throws IOException {
        return compile(text, ScriptOptions.defaults().withTimeout(Duration.ofSeconds(1)));
    }

    ScriptVersion compile(String text, ScriptOptions options) throws IOException {
        Path f = Files.createTempFile(dir, "s", ".js");
        Files.writeString(f, text);
        CompileResult r = engine.compile(f, options);
        assertThat(r).isInstanceOf(ScriptVersion.class);
        return (ScriptVersion) r;
    }

    static final Logger LOG = Logger.getLogger(ScriptInvokeTest.class.getName());

    static JsContext ctx(FakeExchange ex, JsConfig config, boolean onRequest) {
        return new JsContext(ex, config, LOG, "test.js@0", onRequest);
    }

    static final String TENANT = """
            export default {
              phase: 'transform',
              onRequest(req, ctx) {
                const tenant = req.headers.get('x-user-tenant');
                if (!tenant) return ctx.respond(403, { error: 'no tenant', path: req.path }, { 'X-Why': 'tenant' });
                req.headers.set(ctx.config.header, tenant.toUpperCase() + ':' + req.method);
                req.headers.delete('X-User-Tenant');
                req.headers.add('X-Seen', ctx.config.tags[1]);
                return req.headers.has('x-seen');
              },
              onResponse(res, ctx) { res.headers.set('X-Served-By', 'portico'); res.headers.set('X-Status', res.status); }
            };
            """;

    @Test
    void headerRoundTripThroughTheBindings() throws IOException {
        JsConfig config = new JsConfig(Map.of("header", "X-Tenant", "tags", List.of("a", "b")));
        try (ScriptVersion v = compile(TENANT)) {
            FakeExchange ex = new FakeExchange("POST", "/orders");
            var req = ex.request();
            req.headers().add("X-User-Tenant", "acme");
            JsContext ctx = ctx(ex, config, true);
            ScriptResult<Boolean> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asBoolean(),
                    new JsRequest(ex), ctx);
            assertThat(r).isEqualTo(new ScriptResult.Ok<>(true));
            assertThat(ctx.answer()).isNull();
            assertThat(req.headers().first("x-tenant")).contains("ACME:POST");
            assertThat(req.headers().contains("X-User-Tenant")).isFalse();
            assertThat(req.headers().all("X-Seen")).containsExactly("b");

            MutableResponse res = ex.respondWith(201, null, null);
            assertThat(v.invoke(ScriptVersion.Hook.ON_RESPONSE, new JsResponse(ex), ctx(ex, config, false))
                    .ok()).isTrue();
            assertThat(res.headers().first("X-Served-By")).contains("portico");
            assertThat(res.headers().first("X-Status")).contains("201");
        }
    }

    @Test
    void respondBuildsADecision() throws IOException {
        try (ScriptVersion v = compile(TENANT)) {
            FakeExchange ex = new FakeExchange("GET", "/a");
            JsContext ctx = ctx(ex, new JsConfig(Map.of("header", "X-Tenant")), true);
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, new JsRequest(ex), ctx)
                    .ok()).isTrue();
            Decision.Respond a = ctx.answer();
            assertThat(a.status()).isEqualTo(403);
            assertThat(a.contentType()).isEqualTo("application/json");
            assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"no tenant\",\"path\":\"/a\"}");
            assertThat(a.headers()).containsExactly(Map.entry("X-Why", "tenant"));
        }
    }

    @Test
    void configIsReadOnlyAndHeaderInjectionIsRefused() throws IOException {
        try (ScriptVersion v = compile("""
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) {
                    const out = [];
                    try { ctx.config.header = 'x'; out.push('wrote'); } catch (e) { out.push(e.name + ' ' + ctx.config.header); }
                    out.push(Object.keys(ctx.config).join(','), ctx.config.n + 1, ctx.config.nested.deep);
                    try { req.headers.set('X-A', 'a\\r\\nX-Evil: 1'); out.push('set'); } catch (e) { out.push('refused'); }
                    try { ctx.respond(200, 'x', { 'X-B': 'b\\nc' }); out.push('responded'); } catch (e) { out.push('refused'); }
                    try { ctx.respond(99); } catch (e) { out.push('bad status'); }
                    ctx.respond(204);
                    try { ctx.respond(204); } catch (e) { out.push(e.message); }
                    return out.join('|');
                  }
                };
                """)) {
            FakeExchange ex = new FakeExchange("GET", "/");
            var req = ex.request();
            JsContext ctx = ctx(ex, new JsConfig(new TreeMap<>(Map.of("n", 41, "nested", Map.of("deep", true)))), true);
            ScriptResult<String> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(),
                    new JsRequest(ex), ctx);
            assertThat(r).isInstanceOf(ScriptResult.Ok.class);
            assertThat(((ScriptResult.Ok<String>) r).value()).isEqualTo(
                    "TypeError undefined|n,nested|42|true|refused|refused|bad status|ctx.respond was already called");
            assertThat(ctx.answer().status()).isEqualTo(204);
            assertThat(ex.headers.size()).isZero();
        }
    }

    @Test
    void infiniteLoopTimesOutWithinBudgetAndTheContextIsReplaced() throws IOException {
        try (ScriptVersion v = compile("""
                export default {
                  phase: 'quota',
                  onRequest(spin) { if (spin) { while (true) {} } return 'fine'; }
                };
                """, ScriptOptions.defaults().withPoolSize(1))) {
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(), false))
                    .isEqualTo(new ScriptResult.Ok<>("fine"));
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                ScriptResult<String> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(), true);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r).isInstanceOf(ScriptResult.Failure.class);
                ScriptResult.Failure<String> f = (ScriptResult.Failure<String>) r;
                assertThat(f.kind()).isEqualTo(ScriptResult.Kind.TIMEOUT);
                assertThat(f.detail()).isEqualTo(v + " onRequest exceeded its time budget of 50 ms");
                // cut off (an endless loop never returns by itself); the slack is for a loaded 2-core CI box
                assertThat(ms).as("elapsed ms").isLessThan(50 + 350);
                System.out.printf("timeout %d: %d ms after the call started (budget 50 ms)%n", i, ms);
                assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(), false))
                        .isEqualTo(new ScriptResult.Ok<>("fine"));
            }
            assertThat(v.contextsDiscarded()).isEqualTo(3);
            assertThat(v.contextsCreated()).isEqualTo(4);
        }
    }

    @Test
    void throwingScriptIsAnErrorResultWithMessageAndLocation() throws IOException {
        try (ScriptVersion v = compile("""
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) {
                    if (req.method === 'DELETE') {
                      throw new TypeError('deletes are not allowed');
                    }
                    return 'ok';
                  }
                };
                """)) {
            FakeExchange del = new FakeExchange("DELETE", "/x");
            ScriptResult<String> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(),
                    new JsRequest(del), ctx(del, new JsConfig(Map.of()), true));
            ScriptResult.Failure<String> f = (ScriptResult.Failure<String>) r;
            assertThat(f.kind()).isEqualTo(ScriptResult.Kind.SCRIPT_ERROR);
            assertThat(f.detail()).startsWith(v + " onRequest: TypeError: deletes are not allowed ("
                    + v.file().getFileName() + ":5:");
            assertThat(f.detail()).contains("\n    at ");
            FakeExchange get = new FakeExchange("GET", "/x");
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(),
                    new JsRequest(get), ctx(get, new JsConfig(Map.of()), true))).isEqualTo(new ScriptResult.Ok<>("ok"));
            assertThat(v.contextsDiscarded()).isEqualTo(1);
        }
    }

    @Test
    void closedVersionRefusesCalls() throws IOException {
        ScriptVersion v = compile("export default { phase: 'quota', onRequest() { return 1; } };");
        v.close();
        ScriptResult<Void> r = v.invoke(ScriptVersion.Hook.ON_REQUEST);
        assertThat(((ScriptResult.Failure<Void>) r).kind()).isEqualTo(ScriptResult.Kind.CLOSED);
    }

    @Test
    void fullPoolFailsFastWithBusy() throws Exception {
        ScriptOptions options = new ScriptOptions(Duration.ofMillis(500), Duration.ofSeconds(1), 1, Duration.ofMillis(20));
        try (ScriptVersion v = compile("""
                export default { phase: 'quota', onRequest(ms) { const end = Date.now() + ms; while (Date.now() < end) {} } };
                """, options)) {
            try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
                Future<ScriptResult<Void>> slow = pool.submit(() -> v.invoke(ScriptVersion.Hook.ON_REQUEST, 200));
                Thread.sleep(50);
                ScriptResult<Void> busy = v.invoke(ScriptVersion.Hook.ON_REQUEST, 0);
                assertThat(((ScriptResult.Failure<Void>) busy).kind()).isEqualTo(ScriptResult.Kind.BUSY);
                assertThat(slow.get().ok()).isTrue();
            }
        }
    }

    @Test
    void eightThreadsShareOneVersion() throws Exception {
        try (ScriptVersion v = compile("""
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) {
                    const n = req.headers.get('x-n');
                    req.headers.set('x-double', String(Number(n) * 2));
                    return req.path + ':' + n;
                  }
                };
                """, new ScriptOptions(Duration.ofSeconds(2), Duration.ofSeconds(2), 4, Duration.ofSeconds(5)))) {
            int threads = 8;
            int calls = 1000;
            JsConfig config = new JsConfig(Map.of());
            List<Future<Integer>> done = new ArrayList<>();
            long t0 = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < calls; i++) {
                            FakeExchange ex = new FakeExchange("GET", "/t" + thread);
                            var req = ex.request();
                            req.headers().add("X-N", Integer.toString(i));
                            ScriptResult<String> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(),
                                    new JsRequest(ex), ctx(ex, config, true));
                            if (r.equals(new ScriptResult.Ok<>("/t" + thread + ":" + i))
                                    && req.headers().first("X-Double").orElseThrow().equals(Integer.toString(2 * i))) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertThat(f.get()).isEqualTo(calls);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("8x1000 invocations: %d ms, %d contexts (pool %d)%n", ms, v.contextsCreated(),
                    v.options().poolSize());
            assertThat(v.contextsCreated()).isLessThanOrEqualTo(v.options().poolSize());
            assertThat(v.contextsDiscarded()).isZero();
        }
    }
}
