package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.testing.ScriptedGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts that try to exhaust the heap with a generous time budget, so the memory protection, not the clock,
 * has to stop them: the request fails with 500 and the gateway keeps serving. Only bombs that cannot fill
 * the heap of this shared test JVM run here (one allocation larger than the heap, a string doubling up to
 * the engine's length limit); the growing-array bomb, which does fill the heap, runs against a separate
 * gateway process in the distribution's LauncherIT, where an OutOfMemoryError it causes elsewhere cannot
 * break the test's own client.
 */
class ScriptMemoryBombTest {
    static final String HUGE = """
            export default { phase: 'transform', onRequest(req, ctx) {
              const a = new Array(2 ** 31 - 2).fill(0); return a.length;
            } };
            """;
    static final String STRINGS = """
            export default { phase: 'transform', onRequest(req, ctx) {
              let s = 'x'; for (;;) { s = s + s; req.headers.set('x-len', s.length); }
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

    @Test
    void bombsFailTheirRequestAndTheGatewayKeepsServing() throws Exception {
        gw = ScriptedGateway.start(dir, Map.of("huge.js", HUGE, "strings.js", STRINGS,
                "ok.js", ScriptLifecycleTest.tagScript("fine")), """
                  - id: huge
                    match: { path: /huge }
                    upstream: a
                    filters: [ { type: script, file: huge.js, timeout: 10s } ]
                  - id: strings
                    match: { path: /strings }
                    upstream: a
                    filters: [ { type: script, file: strings.js, timeout: 10s } ]
                  - id: ok
                    match: { path: /ok }
                    upstream: a
                    filters: [ { type: script, file: ok.js } ]
                """);
        for (String path : new String[] {"/huge", "/strings", "/huge"}) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = gw.get(path);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println(path + " → " + r.statusCode() + " in " + ms + " ms");
            assertThat(r.statusCode()).as(path).isEqualTo(500);
            assertThat(r.body()).contains("urn:portico:problem:filter-error");
            assertThat(ms).as(path + " stopped long before its 10 s budget").isLessThan(8000);
            HttpResponse<String> ok = gw.get("/ok");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("x-tag: fine");
        }
    }
}
