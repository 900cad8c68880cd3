package io.portico.dist;

import io.portico.core.Gateway;
import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.GatewayConfig;
import io.portico.core.plugin.PluginHost;
import io.portico.core.script.ScriptFilterFactory;
import io.portico.core.script.ScriptLibrary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real gateway in this JVM whose filters come from the assembled first-party plugin jars
 * ({@code target/portico/plugins}, loaded by PF4J as {@code bin/portico} loads them) plus the built-in
 * {@code script} type (scripts from {@code <dir>/scripts}). The YAML is parsed as {@code <dir>/portico.yaml}; the
 * listener gets a free port unless the YAML has a {@code server:} block. Close it to stop everything.
 */
final class PluginGateway implements AutoCloseable {
    static final Path PLUGINS = Path.of(System.getProperty("portico.home", "target/portico")).resolve("plugins");

    private final Gateway gateway;
    private final PluginHost plugins;
    private final ScriptLibrary scripts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private PluginGateway(Gateway gateway, PluginHost plugins, ScriptLibrary scripts) {
        this.gateway = gateway;
        this.plugins = plugins;
        this.scripts = scripts;
    }

    /**
     * Starts a gateway from {@code yaml} with {@code dir} as its config folder.
     *
     * @throws IllegalArgumentException when the YAML is invalid (with every error)
     */
    static PluginGateway start(Path dir, String yaml) throws Exception {
        String text = yaml.contains("server:") ? yaml : "server: { port: 0 }\n" + yaml;
        Path scriptsDir = Files.createDirectories(dir.resolve("scripts"));
        ScriptLibrary scripts = new ScriptLibrary(scriptsDir);
        PluginHost plugins = PluginHost.open(PLUGINS, List.of(new ScriptFilterFactory(scripts)));
        try {
            GatewayConfig config = new ConfigLoader(plugins.registry(), System::getenv)
                    .parse(text, "portico.yaml", dir);
            return new PluginGateway(Gateway.start(config, plugins.registry(), null, scripts::resolveMerge), plugins,
                    scripts);
        } catch (ConfigException e) {
            plugins.close();
            scripts.close();
            throw new IllegalArgumentException("test config is invalid:\n" + e.getMessage(), e);
        } catch (RuntimeException e) {
            plugins.close();
            scripts.close();
            throw e;
        }
    }

    int port() {
        return gateway.port();
    }

    Gateway gateway() {
        return gateway;
    }

    /** The script library of {@code <dir>/scripts} (call {@code rescan()} after editing a file). */
    ScriptLibrary scripts() {
        return scripts;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** A GET through the gateway; {@code headers} are name, value pairs. */
    HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        gateway.stop();
        plugins.close();
        scripts.close();
    }
}
