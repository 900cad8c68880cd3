package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.portico.core.config.UpstreamConfig.ActiveHealth;
import io.portico.core.config.UpstreamConfig.Balancer;
import io.portico.core.config.UpstreamConfig.CircuitBreakerConfig;
import io.portico.core.config.UpstreamConfig.HealthConfig;
import io.portico.core.config.UpstreamConfig.PassiveHealth;
import io.portico.core.config.UpstreamConfig.RetryConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Valid configs: what they parse into, defaults, environment substitution, directories, files. */
class ConfigLoaderTest {
    private static final Path BASE = Path.of("/etc/portico");

    private final Map<String, String> env = new HashMap<>();

    private GatewayConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(FilterTypes.none(), env::get).parse(yaml, "portico.yaml", BASE);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
    }

    @Test
    void fullConfigParsesIntoRecords() throws Exception {
        Path file = resource("full.yaml");
        GatewayConfig c = new ConfigLoader(FilterTypes.none(), n -> null).load(file);

        assertThat(c.source()).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(c.server()).isEqualTo(new ServerConfig("0.0.0.0", 8080, 10L << 20, 16 << 10, 64 << 10, 200,
                Duration.ofSeconds(15), Duration.ofMinutes(2), 5000,
                List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")), Duration.ofSeconds(45)));
        assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1", 9090, ""));
        assertThat(c.plugins().dir()).isEqualTo(file.toAbsolutePath().getParent().resolve("plugins"));
        assertThat(c.scripts().dir()).isEqualTo(Path.of("/opt/portico/scripts"));
        assertThat(c.demo()).isEqualTo(new DemoConfig(true, "127.0.0.1", 9181));

        assertThat(c.upstreams()).containsOnlyKeys("orders", "users");
        assertThat(List.copyOf(c.upstreams().keySet())).containsExactly("orders", "users");
        assertThat(c.upstreams().get("orders")).isEqualTo(new UpstreamConfig("orders",
                List.of(new TargetConfig(URI.create("http://127.0.0.1:9001"), 2),
                        new TargetConfig(URI.create("http://127.0.0.1:9002"), 1)),
                Balancer.ROUND_ROBIN, Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(10),
                Optional.of(new HealthConfig(
                        Optional.of(new ActiveHealth("/health", Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3)),
                        Optional.of(new PassiveHealth(5, Duration.ofSeconds(30))))),
                new RetryConfig(2),
                Optional.of(new CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(10)))));
        assertThat(c.upstreams().get("users")).isEqualTo(new UpstreamConfig("users",
                List.of(new TargetConfig(URI.create("http://users.internal:8081/v1"), 1)),
                Balancer.CONSISTENT_HASH, Optional.of("header:x-user"), Duration.ofSeconds(2),
                Duration.ofSeconds(30), Optional.empty(), new RetryConfig(1), Optional.empty()));

        assertThat(c.filters()).isEmpty();
        assertThat(c.routes()).containsExactly(
                new RouteConfig("orders", new MatchConfig("/api/orders/**", Set.of("GET", "POST"),
                        Optional.of("api.example.com"), Map.of("x-api-version", "2"), Map.of()),
                        "orders", Optional.of("/api"), false, Optional.empty(), List.of(), 34),
                new RouteConfig("user", new MatchConfig("/api/users/{userId}", Set.of(), Optional.empty(),
                        Map.of(), Map.of("expand", "*")),
                        "users", Optional.empty(), true, Optional.of(Duration.ofMillis(500)), List.of(), 38));
    }

    @Test
    void emptyFileGivesDefaults() throws Exception {
        for (String yaml : List.of("", "# nothing\n", "{}", "---\n")) {
            GatewayConfig c = parse(yaml);
            assertThat(c.server()).isEqualTo(ServerConfig.defaults());
            assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1", 9090, ""));
            assertThat(c.plugins()).isEqualTo(new DirConfig(Path.of("/etc/portico/plugins")));
            assertThat(c.scripts()).isEqualTo(new DirConfig(Path.of("/etc/portico/scripts")));
            assertThat(c.demo()).isEqualTo(DemoConfig.disabled());
            assertThat(c.upstreams()).isEmpty();
            assertThat(c.filters()).isEmpty();
            assertThat(c.routes()).isEmpty();
            assertThat(c.source()).isEqualTo(Path.of("/etc/portico/portico.yaml"));
        }
    }

    @Test
    void consumersAndRedisAreParsedForFilters() throws Exception {
        String hash = "sha256:" + "0f".repeat(32);
        GatewayConfig c = parse("""
                consumers:
                  - { id: mobile-app, api-keys: [ "%s" ], groups: [ partners, beta ], scopes: [ "orders:read" ] }
                  - { id: ops }
                redis: { url: "redis://:pw@10.0.0.5:6380/2", timeout: 250ms }
                """.formatted(hash));
        assertThat(c.consumers()).containsExactly(
                new io.portico.api.ConfiguredConsumer(new io.portico.api.Consumer("mobile-app",
                        java.util.Set.of("partners", "beta"), java.util.Set.of("orders:read"), java.util.Map.of()), List.of(hash)),
                new io.portico.api.ConfiguredConsumer(new io.portico.api.Consumer("ops", java.util.Set.of(), java.util.Map.of()), List.of()));
        assertThat(c.consumers().get(0).consumer().groups()).containsExactly("partners", "beta");
        assertThat(c.redis()).contains(new io.portico.api.RedisSettings("redis://:pw@10.0.0.5:6380/2", java.time.Duration.ofMillis(250)));
        assertThat(parse("redis: { url: \"rediss://cache.internal\" }\n").redis().orElseThrow().timeout())
                .isEqualTo(java.time.Duration.ofMillis(100));
        assertThat(parse("routes: []\n").redis()).isEmpty();
    }

    @Test
    void nullValuedBlocksAreEmptyAndNullScalarsTakeDefaults() throws Exception {
        GatewayConfig c = parse("""
                server:
                admin: { port: ~ }
                upstreams:
                routes: []
                consumers: []
                redis: {}
                telemetry:
                """);
        assertThat(c.server()).isEqualTo(ServerConfig.defaults());
        assertThat(c.admin().port()).isEqualTo(9090);
        assertThat(c.routes()).isEmpty();
    }

    @Test
    void tracingKeys() throws Exception {
        assertThat(parse("routes: []\n").telemetry().tracing()).isEqualTo(TracingConfig.DEFAULT);
        TracingConfig t = parse("""
                telemetry:
                  tracing:
                    enabled: true
                    endpoint: http://jaeger:4318
                    protocol: http/protobuf
                    headers: { Authorization: "Bearer x" }
                    service-name: edge
                    sampler: parentbased_traceidratio
                    sampler-arg: 0.25
                    propagators: tracecontext,baggage,b3multi
                    resource-attributes: { deployment.environment: prod }
                routes: []
                """).telemetry().tracing();
        assertThat(t).isEqualTo(new TracingConfig(Optional.of(true), Optional.of("http://jaeger:4318"),
                Optional.of("http/protobuf"), Map.of("Authorization", "Bearer x"), Optional.of("edge"),
                Optional.of("parentbased_traceidratio"), Optional.of("0.25"), Optional.of("tracecontext,baggage,b3multi"),
                Map.of("deployment.environment", "prod")));
    }

    @Test
    void upstreamAndRouteDefaults() throws Exception {
        GatewayConfig c = parse("""
                upstreams:
                  a:
                    targets: [ "http://10.0.0.1" ]
                  b:
                    targets: [ http://h:1 ]
                    balancer: consistent-hash
                    health: { active: {} }
                    circuit-breaker: {}
                routes:
                  - id: r
                    match: { path: / }
                    upstream: a
                """);
        UpstreamConfig a = c.upstreams().get("a");
        assertThat(a.targets()).containsExactly(new TargetConfig(URI.create("http://10.0.0.1:80"), 1));
        assertThat(a.balancer()).isEqualTo(Balancer.ROUND_ROBIN);
        assertThat(a.hashOn()).isEmpty();
        assertThat(a.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.retries()).isEqualTo(new RetryConfig(1));
        assertThat(a.health()).isEmpty();
        assertThat(a.circuitBreaker()).isEmpty();

        UpstreamConfig b = c.upstreams().get("b");
        assertThat(b.hashOn()).contains("ip");
        assertThat(b.health()).contains(new HealthConfig(Optional.of(new ActiveHealth("/health",
                Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3)), Optional.empty()));
        assertThat(b.circuitBreaker()).contains(new CircuitBreakerConfig(0.5, 20, Duration.ofSeconds(10)));

        RouteConfig r = c.routes().getFirst();
        assertThat(r).isEqualTo(new RouteConfig("r", new MatchConfig("/", Set.of(), Optional.empty(), Map.of(),
                Map.of()), "a", Optional.empty(), false, Optional.empty(), List.of(), 10));
    }

    @Test
    void hashOnForms() throws Exception {
        for (var e : Map.of("ip", "ip", "header:X-Tenant", "header:x-tenant", "cookie:sid", "cookie:sid",
                "param:user", "param:user").entrySet()) {
            GatewayConfig c = parse("upstreams: { u: { targets: [http://h:1], balancer: consistent-hash, hash-on: '"
                    + e.getKey() + "' } }");
            assertThat(c.upstreams().get("u").hashOn()).as(e.getKey()).contains(e.getValue());
        }
    }

    @Test
    void demoBlockEnablesDemoWithDefaults() throws Exception {
        assertThat(parse("demo: {}").demo()).isEqualTo(new DemoConfig(true, "127.0.0.1", 9081));
        assertThat(parse("demo:").demo()).isEqualTo(new DemoConfig(true, "127.0.0.1", 9081));
        assertThat(parse("demo: { enabled: false, host: 0.0.0.0, port: 0 }").demo())
                .isEqualTo(new DemoConfig(false, "0.0.0.0", 0));
    }

    @Test
    void adminHostDependsOnToken() throws Exception {
        assertThat(parse("admin: { port: 9091 }").admin()).isEqualTo(new AdminConfig("127.0.0.1", 9091, ""));
        assertThat(parse("admin: { token: s3cret }").admin()).isEqualTo(new AdminConfig("0.0.0.0", 9090, "s3cret"));
        assertThat(parse("admin: { token: s3cret, host: 10.1.2.3 }").admin())
                .isEqualTo(new AdminConfig("10.1.2.3", 9090, "s3cret"));
        assertThat(parse("admin: { host: localhost }").admin().host()).isEqualTo("localhost");
        assertThat(parse("admin: { host: 127.0.0.2 }").admin().host()).isEqualTo("127.0.0.2");
        assertThat(parse("admin: { host: '::1' }").admin().host()).isEqualTo("::1");
        assertThat(parse("admin: { port: -1, host: 0.0.0.0 }").admin()).isEqualTo(new AdminConfig("0.0.0.0", -1, ""));
        env.put("PORTICO_ADMIN_TOKEN", "from-env");
        assertThat(parse("admin: { token: \"${PORTICO_ADMIN_TOKEN:}\" }").admin())
                .isEqualTo(new AdminConfig("0.0.0.0", 9090, "from-env"));
    }

    @Test
    void adminReadyRequiresHealthyTargetsDefaultsToTrueAndIsABoolean() throws Exception {
        assertThat(parse("admin: { port: 9091 }").admin().readyRequiresHealthyTargets()).isTrue();
        assertThat(parse("admin: { ready-requires-healthy-targets: false }").admin())
                .isEqualTo(new AdminConfig("127.0.0.1", 9090, "", false));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigLoader(FilterTypes.none(), n -> null)
                        .parse("admin:\n  ready-requires-healthy-targets: sometimes\n", "p.yaml", Path.of(".")));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.line()).isEqualTo(2);
            assertThat(err.key()).isEqualTo("admin.ready-requires-healthy-targets");
            assertThat(err.message()).contains("true or false");
        });
    }

    @Test
    void emptyTokenFromEnvDefaultKeepsAdminOnLoopback() throws Exception {
        assertThat(parse("admin: { token: \"${PORTICO_ADMIN_TOKEN:}\" }").admin())
                .isEqualTo(new AdminConfig("127.0.0.1", 9090, ""));
    }

    @Test
    void relativeDirsResolveAgainstBaseDirAndAbsoluteOnesStay() throws Exception {
        GatewayConfig c = new ConfigLoader(FilterTypes.none(), n -> null)
                .parse("plugins: { dir: ../lib/plugins }\nscripts: { dir: /srv/./js }", "conf/portico.yaml",
                        Path.of("/opt/portico/conf"));
        assertThat(c.plugins().dir()).isEqualTo(Path.of("/opt/portico/lib/plugins"));
        assertThat(c.scripts().dir()).isEqualTo(Path.of("/srv/js"));
        assertThat(c.source()).isEqualTo(Path.of("/opt/portico/conf/portico.yaml"));
    }

    @Test
    void loadResolvesDirsAgainstTheFilesFolder(@TempDir Path tmp) throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path file = Files.writeString(conf.resolve("gw.yaml"), "plugins: { dir: ext }\n");
        GatewayConfig c = ConfigLoader.withSystemEnv().load(file);
        assertThat(c.plugins().dir()).isEqualTo(conf.toAbsolutePath().resolve("ext"));
        assertThat(c.scripts().dir()).isEqualTo(conf.toAbsolutePath().resolve("scripts"));
        assertThat(c.plugins().dir().isAbsolute()).isTrue();
    }

    @Test
    void envSubstitutionInEveryScalar() throws Exception {
        env.put("PORT", "8181");
        env.put("UP_HOST", "10.0.0.7");
        env.put("EMPTY", "");
        GatewayConfig c = parse("""
                server: { port: "${PORT}", max-body-size: "${BODY:2MB}", host: "${EMPTY}0.0.0.0" }
                upstreams:
                  u: { targets: [ "http://${UP_HOST}:${UP_PORT:9001}" ] }
                routes:
                  - id: r
                    match: { path: /a, headers: { X-Literal: "$${NOT_A_VAR}" } }
                    upstream: u
                """);
        assertThat(c.server().port()).isEqualTo(8181);
        assertThat(c.server().maxBodySize()).isEqualTo(2L << 20);
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.upstreams().get("u").targets().getFirst().url()).isEqualTo(URI.create("http://10.0.0.7:9001"));
        assertThat(c.routes().getFirst().match().headers()).containsEntry("x-literal", "${NOT_A_VAR}");
    }

    @Test
    void filtersBecomeFilterConfigsWithPlainOptions() throws Exception {
        env.put("JWT_SECRET", "abc");
        env.put("CAP", "100");
        GatewayConfig c = new ConfigLoader(Set.of("request-id", "jwt-auth", "rate-limit")::contains, env::get)
                .parse("""
                        filters:
                          - { type: request-id }
                        upstreams: { u: { targets: [ "http://h:1" ] } }
                        routes:
                          - id: r
                            match: { path: /a }
                            upstream: u
                            filters:
                              - type: jwt-auth
                                secret: ${JWT_SECRET}
                                leeway: 30s
                                strip-token: true
                                audience: "123"
                                not-a-bool: yes
                              - type: rate-limit
                                key: [consumer, ip]
                                limits: [ { capacity: "${CAP}", per: 1m, ratio: 0.25 } ]
                        """, "portico.yaml", BASE);
        assertThat(c.filters()).containsExactly(new FilterConfig("request-id", Map.of(), "portico.yaml", 2));
        List<FilterConfig> f = c.routes().getFirst().filters();
        assertThat(f).hasSize(2);
        assertThat(f.get(0)).isEqualTo(new FilterConfig("jwt-auth", Map.of("secret", "abc", "leeway", "30s",
                "strip-token", true, "audience", "123", "not-a-bool", "yes"), "portico.yaml", 9));
        assertThat(f.get(1).type()).isEqualTo("rate-limit");
        assertThat(f.get(1).line()).isEqualTo(15);
        assertThat(f.get(1).options()).isEqualTo(Map.of("key", List.of("consumer", "ip"),
                "limits", List.of(Map.of("capacity", "100", "per", "1m", "ratio", 0.25))));
    }

    @Test
    void plainNumbersInFilterOptionsAreLongs() throws Exception {
        env.put("N", "42");
        GatewayConfig c = new ConfigLoader((java.util.function.Predicate<String>) t -> true, env::get).parse("""
                filters:
                  - type: x
                    a: 7
                    b: ${N}
                    c: -1.5e3
                    d: !!str 8
                    e: '9'
                    f: 99999999999999999999
                """, "f.yaml", BASE);
        assertThat(c.filters().getFirst().options()).isEqualTo(Map.of("a", 7L, "b", 42L, "c", -1500.0,
                "d", "8", "e", "9", "f", "99999999999999999999"));
    }

    @Test
    void mergeKeysAndAliasesWork() throws Exception {
        GatewayConfig c = parse("""
                upstreams:
                  a: &defaults
                    targets: [ "http://h:1" ]
                    timeouts: { connect: 3s }
                  b:
                    <<: *defaults
                    targets: [ "http://h:2" ]
                """);
        assertThat(c.upstreams().get("b").targets()).containsExactly(new TargetConfig(URI.create("http://h:2"), 1));
        assertThat(c.upstreams().get("b").connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void loadReportsUnreadableFiles(@TempDir Path tmp) throws Exception {
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        Path missing = tmp.resolve("nope.yaml");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(missing));
        assertThat(e.errors()).containsExactly(new ConfigError(missing.toString(), 0, "",
                "cannot read the file: it does not exist"));

        e = catchThrowableOfType(ConfigException.class, () -> loader.load(tmp));
        assertThat(e.errors().getFirst().message()).isEqualTo("expected a YAML file, got a directory");

        Path latin1 = Files.write(tmp.resolve("l1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        e = catchThrowableOfType(ConfigException.class, () -> loader.load(latin1));
        assertThat(e.errors().getFirst().message()).isEqualTo("expected a UTF-8 text file, got bytes that are not UTF-8");
    }

    @Test
    void loadNamesTheFileAsGiven(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.yaml"), "server:\n  port: abc\n");
        assertThatThrownBy(() -> ConfigLoader.withSystemEnv().load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: server.port: expected an integer 0..65535, got 'abc'");
    }

    @Test
    void loadRejectsFilesOverTheLimitWithoutParsingThem(@TempDir Path tmp) throws Exception {
        Path big = Files.write(tmp.resolve("big.yaml"), new byte[ConfigLoader.MAX_FILE_BYTES + 1]);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.withSystemEnv().load(big));
        assertThat(e.errors()).containsExactly(new ConfigError(big.toString(), 0, "",
                "the file is too large: the limit is 8MB"));
    }

    @Test
    void byteOrderMarkIsIgnored(@TempDir Path tmp) throws Exception {
        Path file = Files.write(tmp.resolve("bom.yaml"),
                "\uFEFFserver: { port: 8181 }\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(ConfigLoader.withSystemEnv().load(file).server().port()).isEqualTo(8181);
    }
}
