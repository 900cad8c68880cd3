package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.chain.MutableHeaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a script can reach: only JS built-ins and the exported binding members. */
class ScriptSandboxTest {
    static ScriptEngine engine;
    static ScriptVersion probe;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        engine = new ScriptEngine();
        Path f = dir.resolve("probe.js");
        Files.writeString(f, """
                export default {
                  phase: 'transform',
                  onRequest(code, headers) {
                    globalThis.h = headers;
                    try {
                      const r = (0, eval)(code);
                      return 'OK ' + String(r);
                    } catch (e) {
                      return 'ERR ' + e.name + ': ' + e.message;
                    }
                  }
                };
                """);
        probe = (ScriptVersion) engine.compile(f);
    }

    @AfterAll
    static void stop() {
        probe.close();
        engine.close();
    }

    static String run(String code) {
        ScriptResult<String> r = probe.invoke(ScriptVersion.Hook.ON_REQUEST, v -> v.asString(), code,
                new JsHeaders(new MutableHeaders()));
        assertThat(r).isInstanceOf(ScriptResult.Ok.class);
        String s = ((ScriptResult.Ok<String>) r).value();
        return s;
    }

    @Test
    void noHostClasses() {
        assertThat(run("java.lang.System.exit(3)"))
                .isEqualTo("ERR ReferenceError: java is not defined");
        assertThat(run("typeof javax + typeof Packages + typeof JavaImporter")).isEqualTo("OK undefinedundefinedundefined");
        assertThat(run("Java.type('java.lang.Runtime')"))
                .isEqualTo("ERR TypeError: Access to host class java.lang.Runtime is not allowed or does not exist.");
        assertThat(run("Java.type('java.lang.System').getenv()"))
                .isEqualTo("ERR TypeError: Access to host class java.lang.System is not allowed or does not exist.");
        assertThat(run("this.constructor.constructor('return Java.type(\\'java.io.File\\')')()"))
                .isEqualTo("ERR TypeError: Access to host class java.io.File is not allowed or does not exist.");
    }

    @Test
    void noModulesFilesNetworkOrProcesses() {
        assertThat(run("require('fs')")).isEqualTo("ERR ReferenceError: require is not defined");
        assertThat(run("load('/etc/passwd')")).isEqualTo("ERR ReferenceError: load is not defined");
        assertThat(run("fetch('http://x')")).isEqualTo("ERR ReferenceError: fetch is not defined");
        assertThat(run("process.env")).isEqualTo("ERR ReferenceError: process is not defined");
        assertThat(run("new Worker('x')")).isEqualTo("ERR ReferenceError: Worker is not defined");
        assertThat(run("print('x')")).isEqualTo("ERR ReferenceError: print is not defined");
    }

    @Test
    void noPolyglotOrGraalBuiltins() {
        assertThat(run("Polyglot.eval('js', '1')")).isEqualTo("ERR ReferenceError: Polyglot is not defined");
        assertThat(run("Graal.versionGraalVM")).isEqualTo("ERR ReferenceError: Graal is not defined");
    }

    @Test
    void bindingsExposeOnlyExportedMembers() {
        assertThat(run("h.has('x')")).isEqualTo("OK false");
        assertThat(run("typeof h.getClass")).isEqualTo("OK undefined");
        assertThat(run("typeof h.headers")).isEqualTo("OK undefined");
        assertThat(run("h.getClass().forName('java.lang.Runtime')")).startsWith("ERR TypeError: ");
    }

    @Test
    void consoleIsHarmless() {
        assertThat(run("console.log('hi'); 'logged'")).isEqualTo("OK logged");
    }
}
