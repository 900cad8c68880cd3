package io.portico.dist;

import static io.portico.dist.LauncherProcess.freePorts;
import static io.portico.dist.LauncherProcess.read;
import static io.portico.dist.LauncherProcess.replaceOnce;
import static io.portico.dist.LauncherProcess.withPorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.portico.dist.LauncherProcess.Completed;
import io.portico.dist.LauncherProcess.Launched;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the assembled distribution ({@code target/portico/}): runs the real {@code bin/portico}
 * launcher as a separate process, with {@code JAVA_HOME} set to the JDK running this test.
 *
 * <p>Run by failsafe after {@code package}; {@code portico.home} and {@code portico.version} come from
 * {@code dist/pom.xml}. Every child process is killed after each test.
 */
class LauncherIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private static Path home;
    private static Path launcher;
    private static String version;

    private final List<Process> processes = new ArrayList<>();
    /** Children of the launched processes seen while they ran (a launcher that forks instead of exec'ing). */
    private final List<ProcessHandle> descendants = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void findDistribution() {
        String h = System.getProperty("portico.home");
        assertThat(h).as("system property portico.home (set by dist/pom.xml)").isNotBlank();
        home = Path.of(h).toAbsolutePath().normalize();
        launcher = home.resolve("bin/portico");
        assertThat(launcher).as("the launcher; was the distribution assembled?").isRegularFile().isExecutable();
        assertThat(home.resolve("conf/portico.yaml")).isRegularFile();
        assertThat(home.resolve("lib")).isDirectory();
        version = System.getProperty("portico.version");
        assertThat(version).as("system property portico.version (set by dist/pom.xml)").isNotBlank();
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(descendants::add);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : descendants) {
            h.destroyForcibly();
        }
        processes.clear();
        descendants.clear();
    }

    // ---- the gateway -----------------------------------------------------------------------------------

    @Test
    void runsTheBundledConfigOnFreePortsProxiesToTheDemoAndStopsCleanlyOnSigterm() throws Exception {
        int[] ports = freePorts(3);
        int gatewayPort = ports[0];
        int demoPort = ports[1];
        int adminPort = ports[2];
        Path conf = Files.createDirectories(tmp.resolve("conf")).resolve("portico.yaml");
        Files.writeString(conf, bundledConfigWithPorts(gatewayPort, demoPort, adminPort), StandardCharsets.UTF_8);

        Launched gw = launch(home, "--config", conf.toString());
        awaitListening(gw, gatewayPort);

        assertDemoEcho(gw, gatewayPort, "/demo/hello?x=1", "/hello", "x=1");
        // the bundled aggregate route: two calls to the demo upstream merged into one answer
        HttpResponse<String> dashboard = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gatewayPort + "/dashboard/ann")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dashboard.statusCode()).as(gw.output()).isEqualTo(200);
        assertThat(dashboard.body()).isEqualTo("{\"profile\":\"/users/ann\",\"orders\":\"user=ann\"}");
        // the admin listener: probes answer on the admin port (loopback, no token in the bundled config)
        awaitStatus(gw, adminPort, "/health/live", 200);
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(gw.output()).isEqualTo(200);
        assertThat(ready.body()).startsWith("{\"status\":\"UP\",\"checks\":{").contains("\"demo\":{\"status\":\"UP\"");
        // the admin API on the same port (no token configured: loopback only, no Authorization needed)
        HttpResponse<String> routes = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/admin/routes"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(routes.statusCode()).as(routes.body()).isEqualTo(200);
        assertThat(routes.body()).contains("\"id\":\"demo\"", "\"upstream\":\"demo\"");

        // hot reload: a route added to the file is served without a restart
        String withEcho = Files.readString(conf) + """
                  - id: echo
                    match: { path: /echo/** }
                    upstream: demo
                    strip-prefix: /echo
                """;
        Files.writeString(conf, withEcho, StandardCharsets.UTF_8);
        awaitStatus(gw, gatewayPort, "/echo/hi", 200);
        assertDemoEcho(gw, gatewayPort, "/echo/hi", "/hi", "");

        // an invalid edit is logged with its line and changes nothing
        Files.writeString(conf, withEcho.replace("upstream: demo\n    strip-prefix: /echo",
                "upstream: nowhere\n    strip-prefix: /echo"), StandardCharsets.UTF_8);
        awaitLog(gw, "NOT reloaded");
        assertThat(read(gw.err()) + read(gw.out())).as(gw.output()).containsPattern("portico\\.yaml:\\d+: routes\\[\\d+\\]\\.upstream");
        assertDemoEcho(gw, gatewayPort, "/echo/hi", "/hi", "");
        assertStopsWithZeroOnSigterm(gw);
    }

    private void awaitStatus(Launched gw, int port, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            last = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(100);
        }
        fail("GET " + path + " was still " + last + " after 10 s, expected " + status + gw.output());
    }

    private static void awaitLog(Launched gw, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if ((read(gw.out()) + read(gw.err())).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the log never said '" + text + "'" + gw.output());
    }

    /** Every first-party plugin, loaded by the real launcher from the distribution's plugins/ folder. */
    @Test
    void firstPartyPluginsWorkThroughTheRunningGateway() throws Exception {
        int[] ports = freePorts(3);
        int port = ports[0];
        Path conf = Files.createDirectories(tmp.resolve("conf")).resolve("portico.yaml");
        Files.writeString(conf, bundledConfigWithPorts(port, ports[1], ports[2]) + """
                  - id: plugged
                    match: { path: "/p/{id}" }
                    upstream: demo
                    filters:
                      - { type: request-id, header: X-Correlation-Id }
                      - { type: cors, origins: [ "https://app.example.com" ], credentials: true, max-age: 10m }
                      - { type: ip-restriction, allow: [ 127.0.0.0/8, "::1/128" ] }
                      - { type: request-size, max-body-size: 1KB }
                      - type: transform
                        request:
                          headers: { set: { X-Tenant: acme }, remove: [ X-Secret ] }
                          query: { add: { source: gw } }
                          path: "/items/{id}"
                        response:
                          headers: { set: { X-Transformed: "yes" } }
                  - id: denied
                    match: { path: /deny/** }
                    upstream: demo
                    filters: [ { type: ip-restriction, deny: [ 127.0.0.0/8, "::1/128" ] } ]
                """, StandardCharsets.UTF_8);
        Launched gw = launch(home, "--config", conf.toString());
        awaitListening(gw, port);
        String base = "http://127.0.0.1:" + port;

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/p/42?x=1"))
                .header("Origin", "https://app.example.com").header("X-Secret", "s").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String context = r.statusCode() + " " + r.headers().map() + "\n" + r.body() + gw.output();
        assertThat(r.statusCode()).as(context).isEqualTo(200);
        assertThat(r.body()).as(context).contains("\"path\":\"/items/42\"").contains("source=gw")
                .contains("\"X-Tenant\":\"acme\"").doesNotContain("X-Secret")
                .contains("\"X-Correlation-Id\":\"" + r.headers().firstValue("X-Request-Id").orElseThrow() + "\"");
        assertThat(r.headers().firstValue("X-Transformed")).as(context).hasValue("yes");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(context).hasValue("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).as(context).hasValue("true");

        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(base + "/p/42"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "PUT").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).as(preflight.headers().map().toString()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                v -> assertThat(v).contains("PUT"));
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");

        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base + "/p/42"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/deny/x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("urn:portico:problem:ip-denied");

        assertThat(read(gw.out()) + read(gw.err())).as(gw.output())
                .doesNotContain("SEVERE").doesNotContain("Exception");
        assertStopsWithZeroOnSigterm(gw);
    }

    /**
     * A JS filter through the real launcher: the optimizing runtime on the JDK line jvmci/ is for (the
     * interpreter with {@code PORTICO_JVMCI=off}, one log line each), request and response changes, and an
     * edit of the script picked up by the running gateway.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aScriptFilterRunsAndHotSwapsThroughTheLauncher(boolean jvmci) throws Exception {
        boolean optimizing = jvmci && Runtime.version().feature() == jvmciJdkVersion(home);
        int[] ports = freePorts(3);
        int port = ports[0];
        Path scripts = Files.createDirectories(tmp.resolve("js" + jvmci));
        Files.writeString(scripts.resolve("stamp.js"), stampScript("v1"), StandardCharsets.UTF_8);
        Path conf = Files.createDirectories(tmp.resolve("conf-js" + jvmci)).resolve("portico.yaml");
        Files.writeString(conf, bundledConfigWithPorts(port, ports[1], ports[2]).replace(
                "dir: \"" + home.resolve("scripts") + "\"", "dir: \"" + scripts + "\"") + """
                  - id: js
                    match: { path: /js/** }
                    upstream: demo
                    filters: [ { type: script, file: stamp.js, config: { header: X-Stamp } } ]
                """, StandardCharsets.UTF_8);
        Launched gw = launch(home.resolve("bin/portico"), jvmci ? Map.of() : Map.of("PORTICO_JVMCI", "off"), tmp,
                "--config", conf.toString());
        awaitListening(gw, port);
        awaitLog(gw, optimizing ? "JavaScript engine: GraalVM" : "JavaScript engine: Interpreted");
        String base = "http://127.0.0.1:" + port;

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/js/x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String context = r.statusCode() + " " + r.headers().map() + "\n" + r.body() + gw.output();
        assertThat(r.statusCode()).as(context).isEqualTo(200);
        assertThat(r.body()).as(context).contains("\"X-Stamp\":\"v1\"");
        assertThat(r.headers().firstValue("X-Script")).as(context).hasValue("v1");

        Files.writeString(scripts.resolve("stamp.js"), stampScript("v2"), StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String seen;
        do {
            Thread.sleep(20);
            seen = http.send(HttpRequest.newBuilder(URI.create(base + "/js/x")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).headers().firstValue("X-Script").orElse("");
        } while (!seen.equals("v2") && System.nanoTime() < deadline);
        assertThat(seen).as(gw.output()).isEqualTo("v2");
        awaitLog(gw, "script stamp.js@");
        String log = read(gw.out()) + read(gw.err());
        assertThat(log).as(gw.output()).doesNotContain("SEVERE").doesNotContain("Exception")
                .doesNotContain("[engine] WARNING");
        assertThat(log.split("JavaScript engine: ", -1)).as("one engine line").hasSize(2);
        assertStopsWithZeroOnSigterm(gw);
    }

    /**
     * Memory bombs against a real gateway process with a small heap ({@code PORTICO_OPTS=-Xmx256m}) and a
     * 10 s script budget, so the heap guard, not the clock, has to stop them: each request is answered 500,
     * the process stays up and keeps serving other routes, and no other thread died of an OutOfMemoryError.
     */
    @Test
    void memoryBombScriptsFailTheirRequestAndTheGatewayKeepsServing() throws Exception {
        int[] ports = freePorts(3);
        int port = ports[0];
        Path scripts = Files.createDirectories(tmp.resolve("bombs"));
        Files.writeString(scripts.resolve("grow.js"), """
                export default { phase: 'transform', onRequest() {
                  const hoard = [];
                  for (;;) { hoard.push(new Array(1 << 16).fill(1.5)); }
                } };
                """, StandardCharsets.UTF_8);
        Files.writeString(scripts.resolve("huge.js"), """
                export default { phase: 'transform', onRequest() { return new Array(2 ** 31 - 2).fill(0).length; } };
                """, StandardCharsets.UTF_8);
        Path conf = Files.createDirectories(tmp.resolve("conf-bombs")).resolve("portico.yaml");
        Files.writeString(conf, bundledConfigWithPorts(port, ports[1], ports[2]).replace(
                "dir: \"" + home.resolve("scripts") + "\"", "dir: \"" + scripts + "\"") + """
                  - id: grow
                    match: { path: /grow }
                    upstream: demo
                    filters: [ { type: script, file: grow.js, timeout: 10s } ]
                  - id: huge
                    match: { path: /huge }
                    upstream: demo
                    filters: [ { type: script, file: huge.js, timeout: 10s } ]
                """, StandardCharsets.UTF_8);
        Launched gw = launch(home.resolve("bin/portico"), Map.of("PORTICO_OPTS", "-Xmx256m"), tmp,
                "--config", conf.toString());
        awaitListening(gw, port);
        String base = "http://127.0.0.1:" + port;
        for (String path : List.of("/grow", "/huge", "/grow", "/grow")) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("memory bomb " + path + " → " + r.statusCode() + " in " + ms + " ms");
            assertThat(r.statusCode()).as(path + gw.output()).isEqualTo(500);
            assertThat(r.body()).contains("urn:portico:problem:filter-error");
            assertThat(ms).as(path + " stopped by the heap guard, before its 10 s budget" + gw.output()).isLessThan(10_000);
            for (int i = 0; i < 5; i++) {
                assertDemoEcho(gw, port, "/demo/after" + i, "/after" + i, "");
            }
        }
        assertThat(gw.process().isAlive()).isTrue();
        String log = read(gw.out()) + read(gw.err());
        assertThat(log).as(gw.output()).contains("heap still nearly full after a garbage collection")
                .doesNotContain("Exception in thread");
        assertStopsWithZeroOnSigterm(gw);
    }

    private static String stampScript(String version) {
        return """
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) { req.headers.set(ctx.config.header, '%s'); },
                  onResponse(res) { res.headers.set('X-Script', '%s'); }
                };
                """.formatted(version, version);
    }

    /**
     * docs/plugins.md, end to end: the example project builds with Maven outside the reactor (against the
     * plugin API the build installed), and its jar dropped into a running gateway's plugins folder becomes
     * usable by an edited config without a restart.
     */
    @Test
    void theExamplePluginBuildsOutsideTheReactorAndHotLoadsIntoARunningGateway() throws Exception {
        Path root = Path.of(System.getProperty("portico.root")).toAbsolutePath().normalize();
        Path project = tmp.resolve("hello-plugin");
        copyTree(root.resolve("docs/examples/hello-plugin"), project);
        ProcessBuilder mvn = new ProcessBuilder(root.resolve("mvnw").toString(), "-B", "-q", "-f",
                project.resolve("pom.xml").toString(), "package")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mvn.log").toFile());
        mvn.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process build = mvn.start();
        processes.add(build);
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("example build finished").isTrue();
        assertThat(build.exitValue()).as(read(tmp.resolve("mvn.log"))).isZero();
        Path jar = project.resolve("target/hello-plugin-1.0.0.jar");
        assertThat(jar).isRegularFile();

        int[] ports = freePorts(3);
        int port = ports[0];
        Path plugins = Files.createDirectories(tmp.resolve("my-plugins"));
        Path conf = Files.createDirectories(tmp.resolve("conf")).resolve("portico.yaml");
        String base = bundledConfigWithPorts(port, ports[1], ports[2])
                .replace("\"" + home.resolve("plugins") + "\"", "\"" + plugins + "\"");
        Files.writeString(conf, base, StandardCharsets.UTF_8);
        Launched gw = launch(home, "--config", conf.toString());
        awaitListening(gw, port);

        Files.copy(jar, plugins.resolve("hello-plugin-1.0.0.jar"));
        awaitLog(gw, "filter types [hello]");
        Files.writeString(conf, base + """
                  - id: hello
                    match: { path: /hello/** }
                    upstream: demo
                    strip-prefix: /hello
                    filters:
                      - { type: hello, greeting: "Hi" }
                """, StandardCharsets.UTF_8);
        awaitStatus(gw, port, "/hello/x", 400);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/hello/x")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("urn:portico:problem:name-required");
        HttpResponse<String> greeted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/hello/x")).header("X-Name", "Ada").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(greeted.statusCode()).as(greeted.body() + gw.output()).isEqualTo(200);
        assertThat(greeted.body()).contains("\"X-Greeting\":\"Hi, Ada\"");
        assertThat(greeted.headers().firstValue("X-Greeted")).hasValue("yes");
        assertStopsWithZeroOnSigterm(gw);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(p);
                if (rel.startsWith("target")) {
                    continue;
                }
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    /** The README's run command: {@code bin/portico} with no arguments, from another directory. */
    @Test
    void runsWithNoArgumentsFromAnotherDirectoryUsingTheBundledConfig() throws Exception {
        List<Integer> busy = new ArrayList<>();
        // server.port, demo.port and admin.port of the bundled config
        for (int port : new int[] {8080, 9081, 9090}) {
            if (!isFree(port)) {
                busy.add(port);
            }
        }
        Assumptions.assumeTrue(busy.isEmpty(), () -> "port(s) " + busy + " of the bundled config are in use on"
                + " this machine; not starting bin/portico with no arguments");

        Launched gw = launch(tmp, new String[0]);
        awaitListening(gw, 8080);

        assertDemoEcho(gw, 8080, "/demo/hello", "/hello", "");
        assertStopsWithZeroOnSigterm(gw);
    }

    // ---- JVMCI (the optimizing JS runtime) ------------------------------------------------------------

    /** The JDK line jvmci/'s jars were built for, as written by the build into jvmci/jdk-version. */
    private static int jvmciJdkVersion(Path portico) throws IOException {
        return Integer.parseInt(Files.readString(portico.resolve("jvmci/jdk-version"), StandardCharsets.UTF_8).strip());
    }

    @Test
    void theDistributionShipsTheGraalCompilerJarsInJvmciNotInLib() throws Exception {
        assertThat(jvmciJdkVersion(home)).isGreaterThanOrEqualTo(25);
        for (String jar : JVMCI_JARS) {
            try (var files = Files.list(home.resolve("jvmci"))) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .as("jvmci/" + jar + "-*.jar").anyMatch(n -> n.matches(Pattern.quote(jar) + "-[0-9][^/]*\\.jar"));
            }
        }
        // the compiler itself is only on the upgrade module path; collections, word and truffle-compiler are
        // also runtime dependencies of the polyglot engine, so lib/ has them too (the interpreter needs them)
        try (var files = Files.list(home.resolve("lib"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("lib/ must not hold the Graal compiler").noneMatch(n -> n.matches("compiler-[0-9][^/]*\\.jar"));
        }
    }

    @Test
    void onTheJdkTheJarsAreForTheJvmGetsJvmciAndTheUpgradeModulePath() throws Exception {
        int jarsFor = jvmciJdkVersion(home);
        Assumptions.assumeTrue(Runtime.version().feature() == jarsFor,
                () -> "this JDK is " + Runtime.version().feature() + ", jvmci/ is for " + jarsFor);
        Launched gw = startAndServe(home, Map.of());
        List<String> args = jvmArguments(gw);
        assertThat(args).as(args.toString()).contains("-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m");
        String upgrade = args.stream().filter(a -> a.startsWith("--upgrade-module-path=")).findFirst()
                .orElseThrow(() -> new AssertionError("no --upgrade-module-path in " + args));
        List<String> path = List.of(upgrade.substring("--upgrade-module-path=".length()).split(":"));
        Path jvmci = home.resolve("jvmci").toRealPath();
        assertThat(path).as(upgrade).hasSize(JVMCI_JARS.size()).allSatisfy(jar -> {
            assertThat(Path.of(jar)).isRegularFile();
            assertThat(Path.of(jar).getParent().toRealPath()).isEqualTo(jvmci);
        });
        assertThat(args).as("Java itself stays on C2").noneMatch(a -> a.contains("UseJVMCICompiler"));
        // nothing extra on the happy path
        assertThat(read(gw.out()) + read(gw.err())).as(gw.output())
                .doesNotContainPattern("(?m)^portico: ").doesNotContain("WARNING").doesNotContain("SEVERE");
        assertStopsWithZeroOnSigterm(gw);
    }

    @Test
    void portico_jvmciOffStartsWithoutJvmciAndHeapOptionsReplaceTheDefaultHeap() throws Exception {
        // and options that size the heap themselves replace the default -Xmx256m (which would beat them)
        Launched gw = startAndServe(home, Map.of("PORTICO_JVMCI", "off", "JAVA_OPTS", "-XX:MaxRAMPercentage=50"));
        assertNoJvmci(gw);
        List<String> args = jvmArguments(gw);
        assertThat(args).as(args.toString()).contains("-XX:MaxRAMPercentage=50").noneMatch(a -> a.startsWith("-Xmx"));
        assertStopsWithZeroOnSigterm(gw);
    }

    @Test
    void onAnotherJdkLineTheGatewayStartsWithoutJvmciAndServes() throws Exception {
        Path copy = copyOfTheDistribution();
        Files.writeString(copy.resolve("jvmci/jdk-version"), (Runtime.version().feature() + 1) + "\n",
                StandardCharsets.UTF_8);
        Launched gw = startAndServe(copy, Map.of());
        assertNoJvmci(gw);
        assertThat(read(gw.out()) + read(gw.err())).as(gw.output()).doesNotContainPattern("(?m)^portico: ");
        assertStopsWithZeroOnSigterm(gw);
    }

    /** Only compiler.jar on the upgrade path would stop the JVM; an incomplete jvmci/ is skipped, with a word. */
    @Test
    void anIncompleteJvmciFolderIsSkippedWithAMessage() throws Exception {
        Path copy = copyOfTheDistribution();
        Files.writeString(copy.resolve("jvmci/jdk-version"), Runtime.version().feature() + "\n", StandardCharsets.UTF_8);
        try (var files = Files.list(copy.resolve("jvmci"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("word-")).toList()) {
                Files.delete(f);
            }
        }
        Launched gw = startAndServe(copy, Map.of());
        assertNoJvmci(gw);
        assertThat(read(gw.err())).as(gw.output()).contains("portico: " + copy.resolve("jvmci").toRealPath() + " lacks word-*.jar;");
        assertStopsWithZeroOnSigterm(gw);
    }

    private static final List<String> JVMCI_JARS = List.of("compiler", "collections", "word", "truffle-compiler");

    /** Starts {@code portico}'s launcher on free ports and checks that it proxies to the demo upstream. */
    private Launched startAndServe(Path portico, Map<String, String> env) throws Exception {
        int[] ports = freePorts(3);
        Path conf = Files.createDirectories(Files.createTempDirectory(tmp, "conf")).resolve("portico.yaml");
        Files.writeString(conf, bundledConfigWithPorts(ports[0], ports[1], ports[2]), StandardCharsets.UTF_8);
        Launched gw = launch(portico.resolve("bin/portico"), env, tmp, "--config", conf.toString());
        awaitListening(gw, ports[0]);
        assertDemoEcho(gw, ports[0], "/demo/jvmci", "/jvmci", "");
        return gw;
    }

    private void assertNoJvmci(Launched gw) throws IOException {
        List<String> args = jvmArguments(gw);
        assertThat(args).as(args.toString()).contains("--enable-native-access=ALL-UNNAMED")
                .noneMatch(a -> a.contains("JVMCI")).noneMatch(a -> a.startsWith("--upgrade-module-path"));
        if (Runtime.version().feature() >= 23) {
            assertThat(args).contains("--sun-misc-unsafe-memory-access=allow");
        }
    }

    /** The command line of the JVM the launcher exec'd (same process id). */
    private static List<String> jvmArguments(Launched gw) throws IOException {
        long pid = gw.process().pid();
        Path cmdline = Path.of("/proc/" + pid + "/cmdline");
        List<String> args;
        if (Files.isReadable(cmdline)) {
            String raw = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
            args = List.of(raw.split("\0"));
        } else {
            args = gw.process().info().arguments().map(List::of).orElse(List.of());
        }
        assertThat(args).as("arguments of process " + pid + gw.output()).isNotEmpty()
                .anyMatch(a -> a.equals("io.portico.core.Portico"));
        return args;
    }

    /** bin/, conf/ and jvmci/ copied into a temp folder; lib/, plugins/ and scripts/ linked to the real ones. */
    private Path copyOfTheDistribution() throws IOException {
        Path copy = tmp.resolve("portico copy");
        Files.createDirectories(copy);
        for (String dir : List.of("bin", "conf", "jvmci")) {
            copyTree(home.resolve(dir), copy.resolve(dir));
        }
        for (String dir : List.of("lib", "plugins", "scripts")) {
            Files.createSymbolicLink(copy.resolve(dir), home.resolve(dir));
        }
        for (String exe : List.of("bin/portico", "bin/find-java.sh")) {
            copy.resolve(exe).toFile().setExecutable(true);
        }
        return copy;
    }

    // ---- other commands --------------------------------------------------------------------------------

    @Test
    void validateReportsEveryErrorWithItsLineAndExitsTwo() throws Exception {
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, """
                server:
                  port: 8080
                  bogus-key: 1
                  idle-timeout: 5 minutes
                upstreams:
                  orders:
                    targets: [ "http://127.0.0.1:9001" ]
                routes:
                  - id: a
                    match: { path: "api/x" }
                    upstream: nowhere
                """, StandardCharsets.UTF_8);

        Completed r = runToCompletion("validate", broken.toString());
        assertThat(r.code()).as("exit code of validate; %s", r).isEqualTo(2);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as(r.toString()).hasSize(5);
        assertThat(lines.subList(0, 4)).as(r.toString()).allSatisfy(l -> assertThat(l).startsWith(broken + ":"));
        assertThat(lines.get(0)).startsWith(broken + ":3: server.bogus-key: unknown key");
        assertThat(lines.get(1)).startsWith(broken + ":4: server.idle-timeout: expected a duration");
        assertThat(lines.get(2)).startsWith(broken + ":10: routes[0].match.path: expected a path pattern");
        assertThat(lines.get(3)).startsWith(broken + ":11: routes[0].upstream: unknown upstream 'nowhere'");
        assertThat(lines.get(4)).isEqualTo("4 errors in configuration");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void validateAcceptsTheBundledConfig() throws Exception {
        Path bundled = home.resolve("conf/portico.yaml");
        Completed r = runToCompletion("validate", bundled.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(bundled + ": valid\n");
    }

    @Test
    void versionPrintsTheProjectVersion() throws Exception {
        Completed r = runToCompletion("version");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("portico " + version + "\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void hashKeyPrintsSha256() throws Exception {
        Completed r = runToCompletion("hash-key", "secret");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b\n");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private Launched launch(Path workDir, String... args) throws IOException {
        return launch(launcher, Map.of(), workDir, args);
    }

    private Launched launch(Path script, Map<String, String> extraEnv, Path workDir, String... args)
            throws IOException {
        Launched l = LauncherProcess.start(script, extraEnv, workDir, tmp, args);
        processes.add(l.process());
        return l;
    }

    private Completed runToCompletion(String... args) throws Exception {
        Launched l = launch(tmp, args);
        if (!l.process().waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("'bin/portico " + String.join(" ", args) + "' did not finish within " + COMMAND_TIMEOUT
                    + l.output());
        }
        return new Completed(l.process().exitValue(), read(l.out()), read(l.err()));
    }

    private static void awaitListening(Launched gw, int port) throws InterruptedException {
        LauncherProcess.awaitListening(gw, port, START_TIMEOUT);
    }

    private void assertDemoEcho(Launched gw, int port, String pathAndQuery, String upstreamPath, String query)
            throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        String context = "GET " + pathAndQuery + " -> " + res.statusCode() + " " + res.headers().map()
                + "\n" + res.body() + gw.output();
        assertThat(res.statusCode()).as(context).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).as(context)
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(res.body()).as(context)
                .startsWith("{").endsWith("}")
                .contains("\"method\":\"GET\"")
                .contains("\"path\":\"" + upstreamPath + "\"")
                .contains("\"query\":\"" + query + "\"");
    }

    private void assertStopsWithZeroOnSigterm(Launched gw) throws InterruptedException {
        assertThat(gw.process().isAlive()).as("still running before SIGTERM" + gw.output()).isTrue();
        gw.process().descendants().forEach(descendants::add);
        gw.process().destroy(); // SIGTERM on Linux and macOS
        if (!gw.process().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the gateway did not exit within " + STOP_TIMEOUT + " of SIGTERM" + gw.output());
        }
        assertThat(gw.process().exitValue()).as("exit code after SIGTERM" + gw.output()).isZero();
    }

    /**
     * The bundled {@code conf/portico.yaml} with its three ports replaced and its relative plugin and script
     * folders made absolute (the copy lives elsewhere); see {@link LauncherProcess#withPorts}.
     */
    private static String bundledConfigWithPorts(int gatewayPort, int demoPort, int adminPort) throws IOException {
        String text = withPorts(Files.readString(home.resolve("conf/portico.yaml"), StandardCharsets.UTF_8),
                gatewayPort, demoPort, adminPort);
        text = replaceOnce(text, "(?m)^(  dir: )\\.\\./plugins\\b",
                "$1" + Matcher.quoteReplacement("\"" + home.resolve("plugins") + "\""));
        text = replaceOnce(text, "(?m)^(  dir: )\\.\\./scripts\\b",
                "$1" + Matcher.quoteReplacement("\"" + home.resolve("scripts") + "\""));
        return text;
    }

    /** Whether {@code port} can be bound on every address (as the gateway's default host 0.0.0.0 needs). */
    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
