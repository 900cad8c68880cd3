package io.portico.dist;

import static io.portico.dist.LauncherProcess.freePorts;
import static io.portico.dist.LauncherProcess.read;
import static io.portico.dist.LauncherProcess.withPorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.portico.dist.LauncherProcess.Completed;
import io.portico.dist.LauncherProcess.Launched;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release artifact, {@code target/portico-VERSION.tar.gz}, as a user gets it: extracted with a real
 * {@code tar xzf} into a temp folder, then used only through the extracted {@code bin/portico}.
 * {@link LauncherIT} covers the launcher itself in depth (against {@code target/portico/}); this test checks
 * what the tarball adds: that the archive is complete and runnable (modes, jvmci/, plugins/, scripts/,
 * conf/examples/, README.txt, LICENSE) and that the live behaviours work in an unpacked installation.
 */
class TarballIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path extractedInto;

    private static Path home;
    private static Path launcher;
    private static String version;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @TempDir
    Path tmp;

    @BeforeAll
    static void extractTheTarball() throws Exception {
        String h = System.getProperty("portico.home");
        assertThat(h).as("system property portico.home (set by dist/pom.xml)").isNotBlank();
        version = System.getProperty("portico.version");
        assertThat(version).as("system property portico.version (set by dist/pom.xml)").isNotBlank();
        // dist/pom.xml's portico-tar execution writes target/portico-VERSION.tar.gz next to target/portico/
        Path tarball = Path.of(h).toAbsolutePath().normalize().resolveSibling("portico-" + version + ".tar.gz");
        assertThat(tarball).as("the tarball; was the distribution assembled?").isRegularFile();

        Path log = extractedInto.resolve("tar.log");
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", extractedInto.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!tar.waitFor(60, TimeUnit.SECONDS)) {
            tar.destroyForcibly();
            fail("tar xzf " + tarball + " did not finish within 60 s");
        }
        assertThat(tar.exitValue()).as("tar xzf " + tarball + ": " + read(log)).isZero();

        home = extractedInto.resolve("portico-" + version);
        launcher = home.resolve("bin/portico");
        assertThat(launcher).as("bin/portico, executable as packed").isRegularFile().isExecutable();
        assertThat(home.resolve("bin/find-java.sh")).isRegularFile().isExecutable();
        for (String f : List.of("README.txt", "LICENSE", "conf/portico.yaml", "jvmci/jdk-version",
                "scripts/add-headers.js", "scripts/types/portico.d.ts")) {
            assertThat(home.resolve(f)).as(f + " in the tarball").isRegularFile();
        }
        assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
        assertThat(Files.readString(home.resolve("README.txt"))).contains("bin/portico validate", "conf/examples/");
        assertThat(jar(home.resolve("plugins"), "portico-plugin-cors-")).isRegularFile();
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }

    // ---- version, validate ----------------------------------------------------------------------------

    @Test
    void versionAndValidateWorkOnTheExtractedTarballAndEveryExampleIsValid() throws Exception {
        List<Path> examples;
        try (var files = Files.list(home.resolve("conf/examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples.stream().map(p -> p.getFileName().toString())).containsExactly(
                "aggregation.yaml", "jwt-rate-limit.yaml", "redis-cluster.yaml", "scripts.yaml");
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, """
                server:
                  port: 80800
                upstreams:
                  demo: { targets: [ "http://127.0.0.1:9081" ] }
                routes:
                  - id: a
                    match: { path: /a/** }
                    upstream: nowhere
                """, StandardCharsets.UTF_8);

        // all started together (each is a JVM start; scripts.yaml also warms up the JS engine), then checked
        Launched versionRun = launch("version");
        Launched brokenRun = launch("validate", broken.toString());
        List<Launched> validations = new ArrayList<>();
        for (Path example : examples) {
            validations.add(launch("validate", example.toString()));
        }

        Completed v = completed(versionRun, "version");
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.out()).isEqualTo("portico " + version + "\n");

        for (int i = 0; i < examples.size(); i++) {
            Completed r = completed(validations.get(i), "validate " + examples.get(i));
            assertThat(r.code()).as(examples.get(i) + ": " + r).isZero();
            assertThat(r.out()).as(r.toString()).isEqualTo(examples.get(i) + ": valid\n");
        }

        // a broken config: every error as file:LINE: key: message, a count, exit 2
        Completed r = completed(brokenRun, "validate " + broken);
        assertThat(r.code()).as("exit code of validate; %s", r).isEqualTo(2);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as(r.toString()).hasSize(3);
        assertThat(lines.subList(0, 2)).as(r.toString())
                .allSatisfy(l -> assertThat(l).matches(Pattern.quote(broken.toString()) + ":[0-9]+: [a-z\\[\\]0-9.-]+: .+"));
        assertThat(lines.get(0)).startsWith(broken + ":2: server.port: ");
        assertThat(lines.get(1)).startsWith(broken + ":8: routes[0].upstream: unknown upstream 'nowhere'");
        assertThat(lines.get(2)).isEqualTo("2 errors in configuration");
        assertThat(r.out()).isEmpty();
    }

    // ---- run ------------------------------------------------------------------------------------------

    /**
     * {@code bin/portico run} with the bundled config (rewritten in place to free ports, plus a script route):
     * the demo and the aggregate route answer, the JS runtime mode is logged, a plugin jar copied into
     * plugins/ and a filter using it in the edited config apply live, an edited script applies live, and
     * SIGTERM ends it with 0.
     */
    @Test
    void runsTheBundledConfigAndTakesAPluginAndAScriptEditLive() throws Exception {
        // cors starts outside plugins/: the running gateway must load it when it is copied back
        Path corsJar = jar(home.resolve("plugins"), "portico-plugin-cors-");
        Path parked = tmp.resolve(corsJar.getFileName().toString());
        Path script = home.resolve("scripts/add-headers.js");
        String shipped = Files.readString(script, StandardCharsets.UTF_8);
        String bundledConf = Files.readString(home.resolve("conf/portico.yaml"), StandardCharsets.UTF_8);
        Files.move(corsJar, parked);
        try {
            runAndEditLive(parked, corsJar);
        } finally {
            // the extracted tree is shared by this class's tests: put back what this one changed
            if (!Files.exists(corsJar)) {
                Files.copy(parked, corsJar);
            }
            Files.writeString(script, shipped, StandardCharsets.UTF_8);
            Files.writeString(home.resolve("conf/portico.yaml"), bundledConf, StandardCharsets.UTF_8);
        }
    }

    private void runAndEditLive(Path parkedCors, Path corsJar) throws Exception {
        int[] ports = freePorts(3);
        int port = ports[0];
        Path conf = home.resolve("conf/portico.yaml");
        String base = withPorts(Files.readString(conf, StandardCharsets.UTF_8), ports[0], ports[1], ports[2])
                + """
                  - id: scripted
                    match: { path: /scripted/** }
                    upstream: demo
                    strip-prefix: /scripted
                    filters:
                      - { type: script, file: add-headers.js, timeout: 2s, config: { request: { X-Gateway: portico }, response: { X-Served-By: portico } } }
                """;
        Files.writeString(conf, base, StandardCharsets.UTF_8);

        Launched gw = launch("run");
        awaitListening(gw, port);

        // (c) the demo, the bundled aggregate route, the script route
        HttpResponse<String> hello = get(port, "/demo/hello?x=1");
        assertThat(hello.statusCode()).as(hello.body() + gw.output()).isEqualTo(200);
        assertThat(hello.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(hello.body()).as(gw.output()).startsWith("{").endsWith("}")
                .contains("\"method\":\"GET\"", "\"path\":\"/hello\"", "\"query\":\"x=1\"");
        HttpResponse<String> dashboard = get(port, "/dashboard/ann");
        assertThat(dashboard.statusCode()).as(dashboard.body() + gw.output()).isEqualTo(200);
        assertThat(dashboard.body()).isEqualTo("{\"profile\":\"/users/ann\",\"orders\":\"user=ann\"}");
        HttpResponse<String> scripted = get(port, "/scripted/x");
        assertThat(scripted.statusCode()).as(scripted.body() + gw.output()).isEqualTo(200);
        assertThat(scripted.headers().firstValue("X-Served-By")).as(gw.output()).hasValue("portico");
        assertThat(scripted.body()).contains("\"path\":\"/x\"", "\"X-Gateway\":\"portico\"");

        // the JS runtime mode: optimizing when this JDK is the line jvmci/ was built for (bin/portico then
        // enables JVMCI), interpreted otherwise
        String engineLine = awaitLogLine(gw, "JavaScript engine: ");
        int jvmciJdk = Integer.parseInt(Files.readString(home.resolve("jvmci/jdk-version")).strip());
        if (Runtime.version().feature() == jvmciJdk) {
            assertThat(engineLine).as(gw.output()).contains("(optimizing)").doesNotContain("Interpreted");
        } else {
            assertThat(engineLine).as(gw.output()).contains("Interpreted");
        }

        // (d) a plugin jar dropped in live, then a route filter using it
        HttpResponse<String> noCors = send(port, "/demo/c", "GET", "Origin", "https://app.example.com");
        assertThat(noCors.headers().firstValue("Access-Control-Allow-Origin")).as("before cors is configured").isEmpty();
        Path partial = corsJar.resolveSibling(corsJar.getFileName() + ".part");
        Files.copy(parkedCors, partial);
        Files.move(partial, corsJar, StandardCopyOption.ATOMIC_MOVE);
        awaitLogLine(gw, "filter types [cors]");
        Files.writeString(conf, base + """
                  - id: cors
                    match: { path: /cors/** }
                    upstream: demo
                    strip-prefix: /cors
                    filters:
                      - { type: cors, origins: [ "https://app.example.com" ], max-age: 10m }
                """, StandardCharsets.UTF_8);
        HttpResponse<String> cors = await(gw, "GET /cors/x with CORS headers",
                () -> send(port, "/cors/x", "GET", "Origin", "https://app.example.com"),
                res -> res.statusCode() == 200
                        && res.headers().firstValue("Access-Control-Allow-Origin").orElse("").equals("https://app.example.com"));
        assertThat(cors.body()).contains("\"path\":\"/x\"");
        HttpResponse<String> preflight = send(port, "/cors/x", "OPTIONS",
                "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST");
        assertThat(preflight.statusCode()).as(preflight.body() + gw.output()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");

        // (e) the script the route uses, edited live
        Files.writeString(home.resolve("scripts/add-headers.js"), """
                export default {
                  phase: 'transform',
                  onRequest(req, ctx) {},
                  onResponse(res, ctx) { res.headers.set('X-Edited', 'yes'); }
                };
                """, StandardCharsets.UTF_8);
        HttpResponse<String> edited = await(gw, "GET /scripted/x answered by the edited script",
                () -> get(port, "/scripted/x"),
                res -> res.statusCode() == 200 && res.headers().firstValue("X-Edited").orElse("").equals("yes"));
        assertThat(edited.headers().firstValue("X-Served-By")).as("the old script no longer runs").isEmpty();
        assertThat(edited.body()).doesNotContain("X-Gateway");

        // the demo still answers after the reloads
        assertThat(get(port, "/demo/after").statusCode()).as(gw.output()).isEqualTo(200);

        // (f) SIGTERM
        assertThat(gw.process().isAlive()).as("still running before SIGTERM" + gw.output()).isTrue();
        gw.process().destroy(); // SIGTERM
        if (!gw.process().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("the gateway did not exit within " + STOP_TIMEOUT + " of SIGTERM" + gw.output());
        }
        assertThat(gw.process().exitValue()).as("exit code after SIGTERM" + gw.output()).isZero();
        assertThat(read(gw.out()) + read(gw.err())).as(gw.output()).doesNotContain("Exception in thread");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** The extracted {@code bin/portico} with {@code args}, from a working directory outside the installation. */
    private Launched launch(String... args) throws IOException {
        Launched l = LauncherProcess.start(launcher, Map.of(), tmp, tmp, args);
        processes.add(l.process());
        return l;
    }

    private static Completed completed(Launched l, String what) throws InterruptedException {
        if (!l.process().waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("'bin/portico " + what + "' did not finish within " + COMMAND_TIMEOUT + l.output());
        }
        return new Completed(l.process().exitValue(), read(l.out()), read(l.err()));
    }

    private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
        return send(port, pathAndQuery, "GET");
    }

    private HttpResponse<String> send(int port, String pathAndQuery, String method, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Repeats {@code call} until {@code done} holds, for at most {@link #LIVE_TIMEOUT}. */
    private static HttpResponse<String> await(Launched gw, String what, Call call, Predicate<HttpResponse<String>> done)
            throws Exception {
        long deadline = System.nanoTime() + LIVE_TIMEOUT.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = call.send();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        fail("no " + what + " within " + LIVE_TIMEOUT + "; last: "
                + (last == null ? "none" : last.statusCode() + " " + last.headers().map() + "\n" + last.body())
                + gw.output());
        return last;
    }

    /** The first log line (stdout or stderr) containing {@code text}, waited for at most {@link #LIVE_TIMEOUT}. */
    private static String awaitLogLine(Launched gw, String text) throws InterruptedException {
        long deadline = System.nanoTime() + LIVE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String log = read(gw.out()) + "\n" + read(gw.err());
            var line = log.lines().filter(l -> l.contains(text)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!gw.process().isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        fail("the log never said '" + text + "'" + gw.output());
        return null;
    }

    private static void awaitListening(Launched gw, int port) throws InterruptedException {
        LauncherProcess.awaitListening(gw, port, START_TIMEOUT);
    }

    /** The one jar in {@code dir} whose name starts with {@code prefix}. */
    private static Path jar(Path dir, String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".jar")).toList();
            assertThat(jars).as(prefix + "*.jar in " + dir).hasSize(1);
            return jars.get(0);
        }
    }
}
