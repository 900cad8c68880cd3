package io.portico.core.admin;

import static io.portico.core.testing.MiniJson.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.config.AdminConfig;
import io.portico.core.plugin.PluginHost;
import io.portico.core.plugin.PluginJars;
import io.portico.core.testing.ScriptedGateway;
import io.portico.core.testing.MiniJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/plugins} with real plugin jars and {@code /admin/scripts} with real scripts, edits included. */
class AdminPluginsScriptsTest {
    private static final String[] AUTH = {"Authorization", "Bearer t0ken"};

    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ScriptedGateway gw;
    private PluginHost plugins;
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.stop();
        }
        if (gw != null) {
            gw.close();
        }
        if (plugins != null) {
            plugins.close();
        }
    }

    private Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .headers(AUTH).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return MiniJson.object(r.body());
    }

    private static void await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(end);
            Thread.sleep(20);
        }
    }

    private void start() throws Exception {
        gw = ScriptedGateway.start(tmp.resolve("gw"), Map.of("tag.js", """
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) { req.headers.set('X-Tag', 'v1'); }
                };
                """), """
                  - id: tagged
                    match: { path: /t/** }
                    upstream: a
                    filters:
                      - { type: script, file: tag.js }
                """);
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars jars = new PluginJars(Files.createDirectories(tmp.resolve("work")));
        jars.plugin("hello", "1.2.3").factory("demo", "HelloFactory", "hello", "x").jarTo(dir.resolve("hello.jar"));
        jars.plugin("broken", "0.1").factory("demo2", "BrokenFactory", "broken", "x").noIndex()
                .jarTo(dir.resolve("broken.jar"));
        plugins = PluginHost.open(dir, tmp.resolve("staging"));
        var g = gw.gateway();
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, "t0ken"), new AdminSources(g::serving, g::config,
                g::snapshot, () -> null, plugins::status, gw.library()::slots, GatewayFixtureLoader.none()));
    }

    @Test
    void pluginsListActiveAndFailedFilesWithChecksums() throws Exception {
        start();
        List<?> list = (List<?>) at(get("/admin/plugins"), "plugins");
        assertThat(list).hasSize(2);
        Object broken = list.stream().filter(p -> "broken.jar".equals(at(p, "file"))).findFirst().orElseThrow();
        Object hello = list.stream().filter(p -> "hello.jar".equals(at(p, "file"))).findFirst().orElseThrow();
        assertThat(at(hello, "id")).isEqualTo("hello");
        assertThat(at(hello, "version")).isEqualTo("1.2.3");
        assertThat(at(hello, "state")).isEqualTo("ACTIVE");
        assertThat(at(hello, "filterTypes")).isEqualTo(List.of("hello"));
        assertThat((String) at(hello, "checksum")).matches("sha256:[0-9a-f]{64}");
        assertThat(at(hello, "error")).isNull();
        assertThat(at(broken, "state")).isEqualTo("FAILED");
        assertThat((String) at(broken, "error")).isNotBlank();
    }

    @Test
    void scriptsShowHashStateStatsAndTheLastErrorWithItsLine() throws Exception {
        start();
        assertThat(gw.get("/t/x").statusCode()).isEqualTo(200);
        Object s = at(get("/admin/scripts"), "scripts", 0);
        assertThat(at(s, "file")).isEqualTo("tag.js");
        assertThat(at(s, "state")).isEqualTo("LOADED");
        assertThat(at(s, "phase")).isEqualTo("transform");
        String hash = (String) at(s, "hash");
        assertThat(hash).isEqualTo("sha256:" + gw.library().slots().get(0).current().sha256());
        assertThat(at(s, "loadedAt")).isNotNull();
        assertThat(at(s, "lastError")).isNull();
        assertThat(at(s, "stats", "invocations")).isEqualTo(1L);

        gw.writeScript("tag.js", "export default {\n  phase: 'transform',\n  onRequest(req, ctx) { req.headers.set( }\n};\n");
        await(() -> gw.library().slots().get(0).lastError() != null);
        Object failed = at(get("/admin/scripts"), "scripts", 0);
        assertThat(at(failed, "state")).isEqualTo("FAILED");
        assertThat(at(failed, "hash")).as("the previous version keeps serving").isEqualTo(hash);
        assertThat(at(failed, "lastError", "line")).isEqualTo(3L);
        assertThat((String) at(failed, "lastError", "location")).startsWith("tag.js:3:");
        assertThat((String) at(failed, "lastError", "message")).isNotBlank();
    }
}
