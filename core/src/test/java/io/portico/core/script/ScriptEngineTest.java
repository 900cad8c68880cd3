package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptEngineTest {
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

    static CompileResult compile(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return engine.compile(f);
    }

    @Test
    void compilesAGoodModule() throws IOException {
        String text = """
                export default {
                  phase: 'authorize',
                  onRequest(req, ctx) { },
                  onResponse(res, ctx) { }
                };
                """;
        CompileResult r = compile(dir, "good.js", text);
        assertThat(r).isInstanceOf(ScriptVersion.class);
        try (ScriptVersion v = (ScriptVersion) r) {
            assertThat(v.phase()).isEqualTo(Phase.AUTHORIZE);
            assertThat(v.hasOnResponse()).isTrue();
            assertThat(v.sha256()).isEqualTo(ScriptEngine.sha256(text.getBytes()));
            assertThat(v.sha256()).hasSize(64);
            assertThat(v.toString()).isEqualTo("good.js@" + v.sha256().substring(0, 12));
            assertThat(v.contextsCreated()).isEqualTo(1);
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST).ok()).isTrue();
            assertThat(v.contextsCreated()).isEqualTo(1);
        }
        assertThat(engine.implementationName()).isNotBlank();
    }

    @Test
    void onResponseIsOptionalAndThisWorks() throws IOException {
        CompileResult r = compile(dir, "this.js", """
                export default {
                  phase: 'transform',
                  factor: 21,
                  onRequest(req, ctx) { return this.factor * 2; }
                };
                """);
        try (ScriptVersion v = (ScriptVersion) r) {
            assertThat(v.hasOnResponse()).isFalse();
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asInt()))
                    .isEqualTo(new ScriptResult.Ok<>(42));
            assertThat(v.invoke(ScriptVersion.Hook.ON_RESPONSE)).isEqualTo(new ScriptResult.Ok<>(null));
        }
    }

    @Test
    void syntaxErrorHasLineAndColumn() throws IOException {
        CompileResult r = compile(dir, "bad.js", """
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) {
                    let x = ;
                  }
                };
                """);
        assertThat(r).isInstanceOf(ScriptError.class);
        ScriptError e = (ScriptError) r;
        assertThat(e.file()).isEqualTo(dir.resolve("bad.js"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(13);
        assertThat(e.message()).containsIgnoringCase("expected");
        assertThat(e.toString()).startsWith(dir.resolve("bad.js") + ":4:13: ");
    }

    @Test
    void topLevelThrowIsReportedWithItsLine() throws IOException {
        ScriptError e = (ScriptError) compile(dir, "throws.js", """
                const x = 1;
                throw new Error('top-level boom');
                export default { phase: 'transform', onRequest() {} };
                """);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.message()).contains("top-level boom");
    }

    @Test
    void badDefaultExportsAreExplained() throws IOException {
        assertThat(((ScriptError) compile(dir, "none.js", "export const a = 1;\n")).message())
                .contains("no default export object");
        assertThat(((ScriptError) compile(dir, "noreq.js", "export default { phase: 'quota' };\n")).message())
                .isEqualTo("default export: 'onRequest' must be a function (missing)");
        assertThat(((ScriptError) compile(dir, "strreq.js",
                "export default { phase: 'quota', onRequest: 'x' };\n")).message())
                .isEqualTo("default export: 'onRequest' must be a function, got a string");
        assertThat(((ScriptError) compile(dir, "phase.js",
                "export default { phase: 'routing', onRequest() {} };\n")).message())
                .isEqualTo("default export: 'phase' must be one of authenticate, authorize, quota, transform, "
                        + "got 'routing'");
        assertThat(((ScriptError) compile(dir, "nophase.js", "export default { onRequest() {} };\n")).message())
                .contains("'phase' must be one of").contains("(missing)");
        assertThat(((ScriptError) compile(dir, "resp.js",
                "export default { phase: 'quota', onRequest() {}, onResponse: 3 };\n")).message())
                .contains("'onResponse' must be a function when present, got a number");
        ScriptError missing = (ScriptError) engine.compile(dir.resolve("absent.js"));
        assertThat(missing.message()).startsWith("cannot read");
    }

    @Test
    void runawayTopLevelCodeIsBounded() throws IOException {
        Path f = dir.resolve("loop-top.js");
        Files.writeString(f, "while (true) {}\nexport default { phase: 'quota', onRequest() {} };\n");
        long t0 = System.nanoTime();
        CompileResult r = engine.compile(f, ScriptOptions.defaults()
                .withTimeout(Duration.ofMillis(50))
                .withInitTimeout(Duration.ofMillis(200)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(((ScriptError) r).message()).isEqualTo("module evaluation exceeded 200 ms");
        assertThat(ms).isLessThan(1000);
    }
}
