package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.testing.ScriptedGateway;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a script filter running in the gateway can reach: each escape attempt runs in its own try/catch
 * and the script answers with what happened, so one test request shows every door closed.
 */
class ScriptSandboxThroughGatewayTest {
    static final String PROBE = """
            const attempts = {
              javaLangSystem: () => java.lang.System.exit(3),
              javaType: () => Java.type('java.lang.Runtime').getRuntime().exec('touch %1$s'),
              requireFs: () => require('fs').writeFileSync('%1$s', 'x'),
              importFs: () => import('fs'),
              loadFile: () => load('%2$s'),
              fetch: () => fetch('http://127.0.0.1:%3$d/'),
              xhr: () => new XMLHttpRequest(),
              polyglot: () => Polyglot.eval('js', '1'),
              graal: () => Graal.versionGraalVM,
              process: () => process.env.HOME,
              hostClassViaBinding: () => req.headers.getClass().forName('java.lang.Runtime'),
              constructorEscape: () => req.headers.get.constructor('return java.lang.System')().exit(3),
              javaPackageGlobal: () => { if (typeof java !== 'undefined' || typeof javax !== 'undefined') { return 1; } throw new Error('none'); },
              timers: () => setTimeout(() => {}, 1),
            };
            let req;
            export default {
              phase: 'transform',
              async onRequest(r, ctx) {
                req = r;
                const out = {};
                for (const [name, attempt] of Object.entries(attempts)) {
                  try {
                    const v = attempt();
                    if (v && typeof v.then === 'function') { await v; }
                    out[name] = 'OPEN';
                  } catch (e) {
                    out[name] = 'blocked';
                  }
                }
                ctx.respond(200, out);
              }
            };
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
    void noHostClassesFilesModulesNetworkProcessesOrTimers() throws Exception {
        Path marker = dir.resolve("escaped");
        Path other = dir.resolve("other.js");
        Files.writeString(other, "globalThis.loaded = true;");
        try (var canary = new java.net.ServerSocket(0)) {
            String script = PROBE.formatted(marker, other, canary.getLocalPort());
            gw = ScriptedGateway.start(dir, Map.of("probe.js", script), """
                      - id: probe
                        match: { path: /probe }
                        upstream: a
                        filters: [ { type: script, file: probe.js, timeout: 2s } ]
                    """);
            HttpResponse<String> r = gw.get("/probe");
            assertThat(r.statusCode()).isEqualTo(200);
            for (String name : new String[] {"javaLangSystem", "javaType", "requireFs", "importFs", "loadFile", "fetch",
                    "xhr", "polyglot", "graal", "process", "hostClassViaBinding", "constructorEscape", "javaPackageGlobal",
                    "timers"}) {
                assertThat(r.body()).as(name).contains("\"" + name + "\":\"blocked\"");
            }
            assertThat(r.body()).doesNotContain("OPEN");
            assertThat(marker).doesNotExist();
            canary.setSoTimeout(200);
            try {
                canary.accept().close();
                throw new AssertionError("the script opened a connection");
            } catch (java.net.SocketTimeoutException expected) {
                // nothing connected
            }
            // the gateway is still up and serving
            assertThat(gw.get("/probe").statusCode()).isEqualTo(200);
        }
    }
}
