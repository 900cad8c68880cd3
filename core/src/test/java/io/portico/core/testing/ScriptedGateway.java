package io.portico.core.testing;

import com.sun.net.httpserver.HttpServer;
import io.portico.api.FilterFactory;
import io.portico.core.Gateway;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.GatewayConfig;
import io.portico.core.plugin.FilterRegistry;
import io.portico.core.script.ScriptFilterFactory;
import io.portico.core.script.ScriptLibrary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;

/**
 * A real gateway wired as {@code portico run} wires it for scripts: a config file and a scripts folder on
 * disk, the built-in {@code script} type in the registry, the config watched, and the script library
 * watched with a chain rebuild on changes. Upstreams are JDK HTTP servers that echo what they received
 * ({@code <name> <method> <path+query>} then the request headers, lower-cased and sorted, then the body).
 * A path ending in {@code .json} answers {@code {"user":"ann","password":"secret","card":{"number":"4111"}}}
 * as {@code application/json}, except {@code .../echo.json}, which answers the request body as
 * {@code application/json} (or as the request's {@code X-Echo-Content-Type}). Each request header
 * {@code X-Echo-Set-Header: Name: value} adds a response header {@code Name: value}; {@code X-Echo-Delay-Ms: n}
 * makes the upstream wait n ms before answering.
 */
public final class ScriptedGateway implements AutoCloseable {
    private final Path dir;
    private final ScriptLibrary library;
    private final Gateway gateway;
    private final List<HttpServer> upstreams;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ScriptedGateway(Path dir, ScriptLibrary library, Gateway gateway, List<HttpServer> upstreams) {
        this.dir = dir;
        this.library = library;
        this.gateway = gateway;
        this.upstreams = upstreams;
    }

    /**
     * Starts echo upstreams {@code a} and {@code b}, writes {@code scripts} into {@code dir/scripts} and a config
     * with {@code routesYaml} (the value of {@code routes:}; the upstreams are named {@code a} and {@code b}).
     */
    public static ScriptedGateway start(Path dir, Map<String, String> scripts, String routesYaml) throws IOException {
        return start(dir, scripts, routesYaml, "");
    }

    /**
     * Like {@link #start(Path, Map, String)}, with {@code serverOptions} added inside {@code server: { port: 0, ... }}
     * (e.g. {@code "max-body-size: 1KB"}; empty for none).
     */
    public static ScriptedGateway start(Path dir, Map<String, String> scripts, String routesYaml, String serverOptions)
            throws IOException {
        HttpServer a = echo("a");
        HttpServer b = echo("b");
        Files.createDirectories(dir.resolve("scripts"));
        for (var e : scripts.entrySet()) {
            Files.writeString(dir.resolve("scripts").resolve(e.getKey()), e.getValue());
        }
        Path conf = dir.resolve("portico.yaml");
        Files.writeString(conf, config(a, b, routesYaml, serverOptions));
        ScriptLibrary library = new ScriptLibrary(dir.resolve("scripts"));
        FilterRegistry registry = new FilterRegistry(List.<FilterFactory<?>>of(new ScriptFilterFactory(library)));
        ConfigLoader loader = new ConfigLoader(registry, System::getenv);
        try {
            GatewayConfig cfg = loader.load(conf);
            Gateway gateway = Gateway.start(cfg, registry, null, library::resolveMerge);
            gateway.watchConfig(conf, loader);
            library.watch(() -> gateway.reloadNow(true));
            return new ScriptedGateway(dir, library, gateway, List.of(a, b));
        } catch (RuntimeException | io.portico.core.config.ConfigException e) {
            library.close();
            a.stop(0);
            b.stop(0);
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private static String config(HttpServer a, HttpServer b, String routesYaml, String serverOptions) {
        return "server: { port: 0" + (serverOptions.isBlank() ? "" : ", " + serverOptions) + " }\n"
                + "scripts: { dir: scripts }\n"
                + "telemetry: { access-log: off }\n"
                + "upstreams:\n"
                + "  a: { targets: [ \"http://127.0.0.1:" + a.getAddress().getPort() + "\" ] }\n"
                + "  b: { targets: [ \"http://127.0.0.1:" + b.getAddress().getPort() + "\" ] }\n"
                + "routes:\n" + routesYaml;
    }

    private static HttpServer echo(String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            String delay = ex.getRequestHeaders().getFirst("X-Echo-Delay-Ms");
            if (delay != null) {
                try {
                    Thread.sleep(Long.parseLong(delay));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            StringBuilder sb = new StringBuilder(name).append(' ').append(ex.getRequestMethod()).append(' ')
                    .append(ex.getRequestURI().getRawPath());
            if (ex.getRequestURI().getRawQuery() != null) {
                sb.append('?').append(ex.getRequestURI().getRawQuery());
            }
            sb.append('\n');
            Map<String, List<String>> sorted = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(java.util.Locale.ROOT), v));
            sorted.forEach((k, v) -> v.forEach(x -> sb.append(k).append(": ").append(x).append('\n')));
            sb.append('\n').append(new String(in, StandardCharsets.UTF_8));
            byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
            String ct = ex.getRequestURI().getPath().endsWith(".json") ? "application/json" : "text/plain";
            ex.getResponseHeaders().add("Content-Type", ct);
            if (ex.getRequestURI().getPath().endsWith("/echo.json")) {
                out = in; // the request body as the response body, labelled JSON (or X-Echo-Content-Type)
                String asked = ex.getRequestHeaders().getFirst("X-Echo-Content-Type");
                ex.getResponseHeaders().set("Content-Type", asked != null ? asked : ct);
            } else if (ct.equals("application/json")) {
                out = "{\"user\":\"ann\",\"password\":\"secret\",\"card\":{\"number\":\"4111\"}}"
                        .getBytes(StandardCharsets.UTF_8);
            }
            List<String> extra = ex.getRequestHeaders().get("X-Echo-Set-Header");
            if (extra != null) {
                for (String line : extra) { // "Name: value": a response header to send
                    int colon = line.indexOf(':');
                    ex.getResponseHeaders().add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        s.start();
        return s;
    }

    /**
     * The text of {@code name} in the repository's top-level {@code scripts/} folder (the shipped examples),
     * read from {@code ../scripts} (tests run in the module's folder) or, failing that, {@code scripts}.
     */
    public static String repoScript(String name) throws IOException {
        Path p = Path.of("..", "scripts", name);
        if (!Files.isRegularFile(p)) {
            p = Path.of("scripts", name);
        }
        return Files.readString(p);
    }

    /** Rewrites a script file (in place, like an editor saving). */
    public void writeScript(String name, String text) throws IOException {
        Files.writeString(dir.resolve("scripts").resolve(name), text);
    }

    public void deleteScript(String name) throws IOException {
        Files.delete(dir.resolve("scripts").resolve(name));
    }

    public ScriptLibrary library() {
        return library;
    }

    public Gateway gateway() {
        return gateway;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery);
    }

    public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        gateway.stop();
        library.close();
        upstreams.forEach(s -> s.stop(0));
    }
}
