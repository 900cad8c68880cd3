package io.portico.core.testing;

import io.portico.api.FilterFactory;
import io.portico.core.Gateway;
import io.portico.core.chain.FilterFactoryLookup;
import io.portico.core.config.ConfigException;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.FilterTypes;
import io.portico.core.config.GatewayConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real gateway started from YAML text on a free port (the {@code server.port} of the text is replaced
 * by 0 unless the text sets one). Close it to drain and stop.
 */
public final class GatewayFixture implements AutoCloseable {
    private final Gateway gateway;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private GatewayFixture(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Starts a gateway; {@code yaml} must not contain a {@code server:} block unless it sets {@code port: 0}. */
    public static GatewayFixture start(String yaml) {
        String text = quiet(yaml.contains("server:") ? yaml : "server: { port: 0 }\n" + yaml);
        try {
            GatewayConfig config = ConfigLoader.withSystemEnv().parse(text, "test.yaml", Path.of("."));
            return new GatewayFixture(Gateway.start(config));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("test config is invalid:\n" + e.getMessage(), e);
        }
    }

    /**
     * Starts a gateway whose filter types are those {@code filters} knows: the YAML's {@code filters:} entries
     * are bound to their factories' config records by the loader, and the chains are built from them.
     */
    public static GatewayFixture start(String yaml, FilterFactoryLookup filters) {
        String text = quiet(yaml.contains("server:") ? yaml : "server: { port: 0 }\n" + yaml);
        try {
            GatewayConfig config = loader(filters).parse(text, "test.yaml", Path.of("."));
            return new GatewayFixture(Gateway.start(config, filters));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("test config is invalid:\n" + e.getMessage(), e);
        }
    }

    /** No access log on the test runner's stdout unless the text configures {@code telemetry}. */
    static String quiet(String yaml) {
        return yaml.contains("telemetry:") ? yaml : yaml + "\ntelemetry: { access-log: off }\n";
    }

    /** A loader that binds filter entries with the factories {@code filters} finds. */
    public static ConfigLoader loader(FilterFactoryLookup filters) {
        return new ConfigLoader((FilterTypes) type -> {
            FilterFactory<?> f = filters.factory(type);
            return f == null ? null : f.configType();
        }, System::getenv);
    }

    /**
     * Starts a gateway with one catch-all route {@code all} to one upstream {@code up} with a single target.
     *
     * @param serverSettings extra {@code server:} keys, e.g. {@code "max-body-size: 4KB"}, or empty
     */
    public static GatewayFixture proxyingTo(String targetUrl, String serverSettings) {
        return start(String.join("\n",
                "server: { port: 0" + (serverSettings.isEmpty() ? "" : ", " + serverSettings) + " }",
                "upstreams:",
                "  up: { targets: [ \"" + targetUrl + "\" ] }",
                "routes:",
                "  - id: all",
                "    match: { path: /** }",
                "    upstream: up",
                ""));
    }

    /**
     * Starts a gateway with one catch-all route {@code all} to one upstream {@code up}.
     *
     * @param targetsYaml   the YAML value of {@code targets}, e.g. {@code [ "http://127.0.0.1:1" ]}
     * @param upstreamExtra more keys of the upstream, one per line at the upstream's indentation, or empty
     */
    public static GatewayFixture upstream(String targetsYaml, String upstreamExtra) {
        return start(String.join("\n",
                "upstreams:",
                "  up:",
                "    targets: " + targetsYaml,
                "    " + upstreamExtra,
                "routes:",
                "  - id: all",
                "    match: { path: /** }",
                "    upstream: up",
                ""));
    }

    public int port() {
        return gateway.port();
    }

    public Gateway gateway() {
        return gateway;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** A GET through the gateway with the JDK client (well-formed traffic). */
    public HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        gateway.stop();
    }
}
