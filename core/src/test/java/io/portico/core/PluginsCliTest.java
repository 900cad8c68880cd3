package io.portico.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.plugin.PluginJars;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plugins.dir} as the CLI finds it before the configuration can be validated, and validate with plugins. */
class PluginsCliTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void pluginsDirIsRelativeToTheConfigFolderAndReadsTheEnvironment() throws IOException {
        Path conf = write("conf/portico.yaml", "plugins: { dir: \"${PLUGS:../ext}\" }\nroutes: [ bogus ]\n");
        assertThat(ConfigDirectories.plugins(conf, v -> null)).isEqualTo(dir.resolve("ext"));
        assertThat(ConfigDirectories.plugins(conf, Map.of("PLUGS", "/opt/p")::get)).isEqualTo(Path.of("/opt/p"));
    }

    @Test
    void pluginsDirDefaultsToPluginsBesideTheFile() throws IOException {
        assertThat(ConfigDirectories.plugins(write("a.yaml", "server: { port: 1 }\n"), v -> null))
                .isEqualTo(dir.resolve("plugins"));
        assertThat(ConfigDirectories.plugins(write("b.yaml", ": : not yaml ["), v -> null))
                .isEqualTo(dir.resolve("plugins"));
        assertThat(ConfigDirectories.plugins(dir.resolve("missing.yaml"), v -> null)).isEqualTo(dir.resolve("plugins"));
    }

    @Test
    void validateKnowsThePluginsTypesAndBindsTheirConfig() throws IOException {
        new PluginJars(Files.createDirectories(dir.resolve("work"))).plugin("hello-plugin", "1.0.0")
                .factory("demo", "HelloFactory", "hello", "v1")
                .jarTo(Files.createDirectories(dir.resolve("ext")).resolve("hello.jar"));
        Path ok = write("ok.yaml", "plugins: { dir: ext }\nfilters: [ { type: hello } ]\n");
        Path unknownKey = write("bad.yaml", "plugins: { dir: ext }\nfilters: [ { type: hello, nope: 1 } ]\n");
        Path unknownType = write("bad2.yaml", "plugins: { dir: ext }\nfilters: [ { type: absent } ]\n");

        assertThat(cli("validate", ok.toString())).startsWith("0 ");
        assertThat(cli("validate", unknownKey.toString())).startsWith("2 ").contains("nope");
        assertThat(cli("validate", unknownType.toString())).startsWith("2 ").contains("absent");
    }

    @Test
    void validateChecksScriptFiltersAgainstScriptsDir() throws IOException {
        write("js/ok.js", "export default { phase: 'authorize', onRequest(req, ctx) { } };\n");
        write("js/broken.js", "export default { phase: 'authorize',\n  onRequest(req, ctx) { return ) } };\n");
        String head = "scripts: { dir: js }\nupstreams: { up: { targets: [ \"http://127.0.0.1:1\" ] } }\n"
                + "routes:\n  - id: r\n    match: { path: /x }\n    upstream: up\n    filters:\n";
        Path ok = write("s-ok.yaml", head + "      - { type: script, file: ok.js, timeout: 20ms }\n");
        Path missing = write("s-missing.yaml", head + "      - { type: script, file: gone.js }\n");
        Path broken = write("s-broken.yaml", head + "      - { type: script, file: broken.js }\n");
        Path escape = write("s-escape.yaml", head + "      - { type: script, file: ../s-ok.yaml }\n");
        Path badTimeout = write("s-timeout.yaml", head + "      - { type: script, file: ok.js, timeout: 0s }\n");

        assertThat(cli("validate", ok.toString())).startsWith("0 ");
        assertThat(cli("validate", missing.toString())).startsWith("2 ")
                .contains("s-missing.yaml:8: filter 'script': script 'gone.js' is not loaded").contains("no such file");
        assertThat(cli("validate", broken.toString())).startsWith("2 ").contains("s-broken.yaml:8")
                .contains("broken.js:2:");
        assertThat(cli("validate", escape.toString())).startsWith("2 ").contains("must be a path inside scripts.dir");
        assertThat(cli("validate", badTimeout.toString())).startsWith("2 ").contains("timeout");
    }

    /** "code stdout stderr". */
    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Portico.run(args, o, e);
        }
        return code + " " + out.toString(StandardCharsets.UTF_8) + " " + err.toString(StandardCharsets.UTF_8);
    }
}
