package io.portico.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.config.ConfigLoader;
import io.portico.core.config.GatewayConfig;
import io.portico.core.plugin.PluginHost;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code dist/docker-compose.yml} cannot be run here (no Docker), so this checks that its parts agree: Jaeger
 * with the OTLP and UI ports, one Redis, two Portico instances exporting to that Jaeger and using that Redis,
 * and one load balancer that publishes the only gateway port and health-checks both instances' readiness on
 * their admin port. The mounted Portico configuration is validated with the real plugin jars and the
 * instances' environment.
 */
class DockerComposeIT {
    private static final Path DIST = Path.of(System.getProperty("portico.root", "..")).resolve("dist").toAbsolutePath().normalize();
    private static final Path HOME = Path.of(System.getProperty("portico.home", "target/portico"));
    private static final List<String> INSTANCES = List.of("portico-1", "portico-2");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static Map<String, Object> services() throws Exception {
        Map<String, Object> compose = map(new Yaml().load(Files.readString(DIST.resolve("docker-compose.yml"))));
        return map(compose.get("services"));
    }

    /** {@code ${NAME:-default}} as docker compose expands it with NAME unset. */
    private static String composeDefault(String value) {
        Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(value);
        return m.replaceAll("$1");
    }

    private static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new HashMap<>();
        map(service.get("environment")).forEach((k, v) -> env.put(k, composeDefault(String.valueOf(v))));
        return env;
    }

    @Test
    void jaegerRedisTwoInstancesAndOneBalancerAgree() throws Exception {
        Map<String, Object> services = services();
        assertThat(services).containsOnlyKeys("jaeger", "redis", "portico-1", "portico-2", "lb");

        Map<String, Object> jaeger = map(services.get("jaeger"));
        assertThat((String) jaeger.get("image")).matches("jaegertracing/(all-in-one:1\\.[0-9.]+|jaeger:2\\.[0-9.]+)");
        assertThat(list(jaeger.get("ports"))).map(String::valueOf)
                .contains("16686:16686", "4317:4317", "4318:4318");
        assertThat(map(services.get("redis")).get("image")).isEqualTo("redis:7");
        assertThat(map(services.get("redis"))).doesNotContainKey("ports");

        for (String name : INSTANCES) {
            Map<String, Object> p = map(services.get(name));
            assertThat(p.get("image")).as(name).isEqualTo("eclipse-temurin:25-jre");
            assertThat(p).as(name + " is reached through the balancer only").doesNotContainKey("ports");
            assertThat(list(p.get("volumes"))).as(name).contains("./target/portico:/opt/portico:ro",
                    "./compose/portico.yaml:/etc/portico/portico.yaml:ro");
            assertThat(String.join(" ", list(p.get("command")).stream().map(String::valueOf).toList()))
                    .isEqualTo("/opt/portico/bin/portico run --config /etc/portico/portico.yaml");
            Map<String, String> env = env(p);
            assertThat(env).as(name).containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318")
                    .containsEntry("OTEL_SERVICE_NAME", "portico");
            assertThat(URI.create(env.get("REDIS_URL")).getHost()).as(name + " uses the compose redis").isEqualTo("redis");
            assertThat(env.get("PORTICO_ADMIN_TOKEN")).as(name + ": the admin listener must leave loopback").isNotBlank();
            assertThat(list(p.get("depends_on"))).contains("jaeger", "redis");
        }
        // both instances alike, but for their instance id
        Map<String, String> a = env(map(services.get("portico-1")));
        Map<String, String> b = env(map(services.get("portico-2")));
        a.remove("OTEL_RESOURCE_ATTRIBUTES");
        b.remove("OTEL_RESOURCE_ATTRIBUTES");
        assertThat(a).isEqualTo(b);

        Map<String, Object> lb = map(services.get("lb"));
        assertThat(list(lb.get("ports"))).as("the LB publishes one port").containsExactly("8080:8080");
        assertThat(list(lb.get("depends_on"))).containsExactlyInAnyOrderElementsOf(INSTANCES);
        long published = services.values().stream().filter(s -> map(s).containsKey("ports")).count();
        assertThat(published).as("only jaeger and the LB publish ports").isEqualTo(2);
    }

    @Test
    void theBalancerSpreadsOverBothInstancesAndChecksTheirReadiness() throws Exception {
        Map<String, Object> lb = map(services().get("lb"));
        String mount = list(lb.get("volumes")).get(0).toString();
        assertThat(mount).startsWith("./compose/haproxy.cfg:");
        String cfg = Files.readString(DIST.resolve("compose/haproxy.cfg"));
        GatewayConfig portico = composeConfig();
        assertThat(cfg).contains("bind :8080", "option httpchk GET /health/ready",
                "check port " + portico.admin().port());
        for (String name : INSTANCES) {
            assertThat(cfg).contains("server " + name + " " + name + ":" + portico.server().port());
        }
    }

    @Test
    void theMountedConfigIsValidWithTheInstancesEnvironmentAndTheRealPlugins() throws Exception {
        GatewayConfig c = composeConfig();
        Map<String, String> env = env(map(services().get("portico-1")));
        assertThat(c.redis()).isPresent();
        assertThat(c.redis().get().url()).isEqualTo(env.get("REDIS_URL"));
        assertThat(c.admin().token()).isEqualTo(env.get("PORTICO_ADMIN_TOKEN"));
        assertThat(c.admin().host()).as("probes from the LB need a non-loopback admin").isEqualTo("0.0.0.0");
        assertThat(c.routes()).isNotEmpty();
        assertThat(c.routes().get(0).filters()).anySatisfy(f -> assertThat(f.type()).isEqualTo("rate-limit"));
    }

    /** compose/portico.yaml loaded as the container would, with portico-1's environment and dist's plugins. */
    private static GatewayConfig composeConfig() throws Exception {
        Map<String, String> env = env(map(services().get("portico-1")));
        // the container's /opt/portico/plugins is this build's target/portico/plugins
        String text = Files.readString(DIST.resolve("compose/portico.yaml"))
                .replace("/opt/portico/", HOME.toAbsolutePath().normalize() + "/");
        try (PluginHost plugins = PluginHost.open(HOME.resolve("plugins"))) {
            return new ConfigLoader(plugins.registry(), env::get).parse(text, "portico.yaml", DIST.resolve("compose"));
        }
    }
}
