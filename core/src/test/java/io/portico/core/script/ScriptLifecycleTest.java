package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portico.core.chain.ChainException;
import io.portico.core.testing.ScriptedGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script filters through a running gateway: loading, hot swap, compile errors, deletion, failures. */
class ScriptLifecycleTest {
    static final String ROUTES = """
              - id: tagged
                match: { path: /t/** }
                upstream: a
                filters:
                  - { type: script, file: tag.js, config: { header: X-Tag }, timeout: 1s }
            """;

    static String tagScript(String value) {
        return """
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) { req.headers.set(ctx.config.header ?? 'X-Tag', '%s'); },
                  onResponse(res, ctx) { res.headers.set('X-Version', '%s'); }
                };
                """.formatted(value, value);
    }

    @TempDir
    Path dir;
    ScriptedGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void aScriptChangesTheRequestAndTheResponse() throws Exception {
        gw = ScriptedGateway.start(dir, Map.of("tag.js", tagScript("v1")), ROUTES);
        HttpResponse<String> r = gw.get("/t/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("x-tag: v1");
        assertThat(r.headers().firstValue("X-Version")).contains("v1");
    }

    @Test
    void anEditIsServedWithinOneSecondAndASyntaxErrorKeepsTheOldVersion() throws Exception {
        gw = ScriptedGateway.start(dir, Map.of("tag.js", tagScript("v1")), ROUTES);
        assertThat(gw.get("/t/x").body()).contains("x-tag: v1");
        String oldHash = gw.library().slots().get(0).current().sha256();

        long t0 = System.nanoTime();
        gw.writeScript("tag.js", tagScript("v2"));
        long tookMs = awaitBody("/t/x", "x-tag: v2", t0);
        assertThat(tookMs).as("change → effective").isLessThanOrEqualTo(1000);
        ScriptSlot slot = gw.library().slots().get(0);
        assertThat(slot.current().sha256()).isNotEqualTo(oldHash);
        assertThat(slot.state()).isEqualTo(ScriptSlot.State.LOADED);

        gw.writeScript("tag.js", "export default { phase: 'transform', onRequest(req, ctx) { req.headers.set( }");
        awaitState(slot, ScriptSlot.State.FAILED);
        assertThat(slot.lastError().line()).isEqualTo(1);
        assertThat(slot.lastError().column()).isGreaterThan(0);
        assertThat(slot.lastError().toString()).contains("tag.js:1:");
        for (int i = 0; i < 5; i++) {
            assertThat(gw.get("/t/x").body()).contains("x-tag: v2");
        }
    }

    @Test
    void aRequestInFlightFinishesOnTheVersionItStartedWith() throws Exception {
        gw = ScriptedGateway.start(dir, Map.of("tag.js", tagScript("v1")), ROUTES);
        assertThat(gw.get("/t/x").headers().firstValue("X-Version")).contains("v1");
        ScriptVersion v1 = gw.library().slots().get(0).current();

        // the upstream holds this request for 1.5 s: onRequest ran on v1, onResponse runs after the swap
        var slow = gw.http().sendAsync(java.net.http.HttpRequest.newBuilder(gw.uri("/t/slow"))
                .header("X-Echo-Delay-Ms", "1500").timeout(java.time.Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        gw.writeScript("tag.js", tagScript("v2"));
        awaitBody("/t/x", "x-tag: v2", System.nanoTime());
        assertThat(slow.isDone()).as("still in flight after the swap").isFalse();
        assertThat(v1.stats().invocations()).isGreaterThan(0);

        HttpResponse<String> r = slow.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("x-tag: v1");
        assertThat(r.headers().firstValue("X-Version")).as("onResponse on the same version").contains("v1");
        // v1 is closed once that last request holding it is done
        long t0 = System.nanoTime();
        while (!(v1.invoke(ScriptVersion.Hook.ON_REQUEST, v -> null) instanceof ScriptResult.Failure<?> f
                && f.kind() == ScriptResult.Kind.CLOSED) && System.nanoTime() - t0 < 5_000_000_000L) {
            Thread.sleep(10);
        }
        assertThat(v1.invoke(ScriptVersion.Hook.ON_REQUEST, v -> null))
                .isInstanceOfSatisfying(ScriptResult.Failure.class,
                        f -> assertThat(f.kind()).isEqualTo(ScriptResult.Kind.CLOSED));
    }

    @Test
    void aDeletedScriptAnswers500UntilItIsBack() throws Exception {
        gw = ScriptedGateway.start(dir, Map.of("tag.js", tagScript("v1")), ROUTES);
        assertThat(gw.get("/t/x").statusCode()).isEqualTo(200);
        gw.deleteScript("tag.js");
        long t0 = System.nanoTime();
        HttpResponse<String> r;
        do {
            Thread.sleep(20);
            r = gw.get("/t/x");
        } while (r.statusCode() == 200 && System.nanoTime() - t0 < 5_000_000_000L);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.body()).contains("urn:portico:problem:script-unavailable").doesNotContain("tag.js")
                .doesNotContain(dir.toString());
        assertThat(gw.library().slots().get(0).state()).isEqualTo(ScriptSlot.State.MISSING);

        gw.writeScript("tag.js", tagScript("back"));
        awaitBody("/t/x", "x-tag: back", System.nanoTime());
    }

    @Test
    void aConfigNamingAMissingOrBrokenScriptIsRefusedWithItsLocation() throws Exception {
        assertThatThrownBy(() -> ScriptedGateway.start(dir, Map.of(), ROUTES))
                .isInstanceOf(ChainException.class)
                .hasMessageContaining("portico.yaml:")
                .hasMessageContaining("script 'tag.js' is not loaded")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> ScriptedGateway.start(dir, Map.of("tag.js", "export default {\n  phase: 'transform',\n  onRequest(req) { return req..x; }\n};\n"), ROUTES))
                .isInstanceOf(ChainException.class)
                .hasMessageContaining("tag.js:3:");
        assertThatThrownBy(() -> ScriptedGateway.start(dir, Map.of("tag.js", "export default { phase: 'later', onRequest() {} };"), ROUTES))
                .isInstanceOf(ChainException.class)
                .hasMessageContaining("'phase' must be one of");
    }

    private long awaitBody(String path, String expected, long t0) throws Exception {
        while (true) {
            HttpResponse<String> r = gw.get(path);
            if (r.body().contains(expected)) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if (System.nanoTime() - t0 > 10_000_000_000L) {
                throw new AssertionError("not served within 10 s: " + expected + "; last: " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(10);
        }
    }

    private static void awaitState(ScriptSlot slot, ScriptSlot.State state) throws InterruptedException {
        long t0 = System.nanoTime();
        while (slot.state() != state) {
            if (System.nanoTime() - t0 > 10_000_000_000L) {
                throw new AssertionError("slot " + slot + " is " + slot.state() + ", expected " + state);
            }
            Thread.sleep(10);
        }
    }
}
