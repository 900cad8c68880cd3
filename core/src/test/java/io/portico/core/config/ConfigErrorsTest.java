package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invalid configs: every problem is reported, with the right line, key and message. */
class ConfigErrorsTest {
    private static final String FILE = "conf/portico.yaml";
    private static final String UPSTREAM = "upstreams: { orders: { targets: [ \"http://127.0.0.1:9001\" ] } }\n";

    private final Map<String, String> env = new HashMap<>();
    private Predicate<String> filterTypes = t -> false;

    private List<ConfigError> errors(String yaml) {
        ConfigLoader loader = new ConfigLoader(filterTypes, env::get);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader.parse(yaml, FILE, Path.of("/etc/portico")));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        assertThat(e.errors()).isNotEmpty();
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.file()).isEqualTo(FILE));
        return e.errors();
    }

    private ConfigError only(String yaml) {
        List<ConfigError> errors = errors(yaml);
        assertThat(errors).hasSize(1);
        return errors.getFirst();
    }

    private static ConfigError err(int line, String key, String message) {
        return new ConfigError(FILE, line, key, message);
    }

    @Test
    void reportsEveryErrorWithItsLineSortedByLine() {
        List<ConfigError> errors = errors("""
                server:
                  port: abc
                  header-timeout: 5
                admin: { host: 0.0.0.0 }
                upstreams:
                  orders:
                    targets:
                      - url: ftp://x
                        weight: 0
                    timeouts: { connect: 0s }
                routes:
                  - id: a
                    matc: { path: /a }
                    upstream: orders
                  - id: b
                    match: { path: api/x }
                    upstream: nowhere
                """);
        assertThat(errors).containsExactly(
                err(2, "server.port", "expected an integer 0..65535, got 'abc'"),
                err(3, "server.header-timeout", "expected a duration like 500ms, 5s, 1m, 1h, got '5'"),
                err(4, "admin.host", "a non-loopback admin host needs admin.token (set a token, or bind to"
                        + " 127.0.0.1), got '0.0.0.0'"),
                err(8, "upstreams.orders.targets[0].url",
                        "expected an http:// URL like http://127.0.0.1:9001, got 'ftp://x'"),
                err(9, "upstreams.orders.targets[0].weight", "expected an integer 1..1000, got '0'"),
                err(10, "upstreams.orders.timeouts.connect", "expected a duration greater than 0, got '0s'"),
                err(12, "routes[0].match", "missing required key 'match'"),
                err(13, "routes[0].matc", "unknown key; expected one of: id, match, upstream, strip-prefix,"
                        + " preserve-host, timeout, filters, aggregate"),
                err(16, "routes[1].match.path", "expected a path pattern starting with '/', got 'api/x'"),
                err(17, "routes[1].upstream", "unknown upstream 'nowhere'; expected one of: orders"));
    }

    @Test
    void exceptionMessageListsErrorsInValidateFormat() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(FilterTypes.none(), n -> null)
                .parse("server: { port: 70000 }\nbogus: 1\n", FILE, Path.of("/")));
        assertThat(e.getMessage()).isEqualTo("""
                conf/portico.yaml:1: server.port: expected an integer 0..65535, got '70000'
                conf/portico.yaml:2: bogus: unknown key; expected one of: server, admin, plugins, scripts, demo,\
                 upstreams, consumers, filters, routes, redis, telemetry, include""");
    }

    // ---- YAML itself ---------------------------------------------------------------------------------

    @Test
    void yamlSyntaxErrorCarriesItsLine() {
        ConfigError e = only("""
                server:
                  port: 8080
                  host: [0.0.0.0
                admin: {}
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).isEmpty();
        assertThat(e.message()).startsWith("invalid YAML at column 6: ");

        ConfigError tab = only("server:\n\tport: 1\n");
        assertThat(tab.line()).isEqualTo(2);
        assertThat(tab.message()).contains("TAB");

        ConfigError bad = only("routes:\n  - id: a\n   match: x\n");
        assertThat(bad.line()).isEqualTo(3);
        assertThat(bad.message()).startsWith("invalid YAML");
    }

    @Test
    void undefinedAliasIsASyntaxError() {
        ConfigError e = only("server: { port: 1 }\nadmin: *nope\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.message()).contains("found undefined alias nope");
    }

    @Test
    void onlyOneDocumentIsAllowed() {
        assertThat(only("server: {}\n---\nadmin: {}\n"))
                .isEqualTo(err(3, "", "expected a single YAML document, found a second one ('---')"));
    }

    @Test
    void rootMustBeAMapping() {
        assertThat(only("- a\n- b\n").message()).startsWith("expected a mapping of top-level keys (server, admin,")
                .endsWith("got a list");
        assertThat(only("just text").line()).isEqualTo(1);
    }

    @Test
    void aliasBombsAndDeepNestingAreRejectedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            bomb.append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [");
            bomb.append(("*" + (char) ('a' + i - 1) + ", ").repeat(9)).append("x]\n");
        }
        assertThat(only(bomb.toString()).message()).contains("aliases");
        assertThat(only("filters: " + "[".repeat(200) + "]".repeat(200)).message()).contains("Nesting");
    }

    @Test
    void recursiveStructuresAreErrorsNotHangs() {
        filterTypes = t -> true;
        assertThat(only("filters: [ &f { type: x, self: *f } ]\n"))
                .isEqualTo(err(1, "filters[0].self", "a value cannot contain itself (recursive alias)"));
        assertThat(errors("upstreams:\n  a: &a { <<: *a, targets: [ \"http://h:1\" ] }\n"))
                .contains(err(2, "upstreams.a", "a mapping cannot be merged (<<) into itself"));
    }

    // ---- keys ----------------------------------------------------------------------------------------

    @Test
    void unknownKeysAreReportedAtTheKey() {
        assertThat(only("rotues: []\n")).isEqualTo(err(1, "rotues", "unknown key; expected one of: server, admin,"
                + " plugins, scripts, demo, upstreams, consumers, filters, routes, redis, telemetry, include"));
        assertThat(only("server:\n  port: 1\n  max-body: 1MB\n")).isEqualTo(err(3, "server.max-body",
                "unknown key; expected one of: host, port, max-body-size, max-request-line, max-header-size,"
                        + " max-headers, header-timeout, idle-timeout, shutdown-grace, max-connections,"
                        + " trusted-proxies"));
        assertThat(only(UPSTREAM.replace("] }", "], retry: { attempts: 1 } }"))).isEqualTo(err(1,
                "upstreams.orders.retry", "unknown key; expected one of: targets, balancer, hash-on, timeouts,"
                        + " retries, health, circuit-breaker"));
        assertThat(only("plugins: { directory: x }\n"))
                .isEqualTo(err(1, "plugins.directory", "unknown key; expected one of: dir"));
    }

    @Test
    void duplicateKeysAreReportedAtTheSecondKey() {
        assertThat(only("server: { port: 1 }\nadmin: {}\nserver: { port: 2 }\n"))
                .isEqualTo(err(3, "server", "duplicate key 'server' (first at line 1)"));
        assertThat(only(UPSTREAM + """
                routes:
                  - id: r
                    upstream: orders
                    match:
                      path: /a
                      path: /b
                """)).isEqualTo(err(7, "routes[0].match.path", "duplicate key 'path' (first at line 6)"));
    }

    @Test
    void duplicateHeaderNamesIgnoringCase() {
        assertThat(only(UPSTREAM + """
                routes:
                  - id: r
                    upstream: orders
                    match:
                      path: /a
                      headers:
                        X-Tenant: a
                        x-tenant: b
                """)).isEqualTo(err(9, "routes[0].match.headers.x-tenant",
                "duplicate header 'x-tenant' (header names ignore case; first at line 8)"));
    }

    @Test
    void telemetryKeysAreChecked() {
        assertThat(errors("""
                telemetry: { colour: on }
                """)).containsExactly(err(1, "telemetry.colour",
                "unknown key; expected one of: access-log, access-log-fields, tracing"));
        assertThat(errors("""
                telemetry:
                  access-log-fields: [ status, password, status ]
                """)).containsExactly(
                err(2, "telemetry.access-log-fields[1]", "expected one of time, request_id, trace_id, client_ip,"
                        + " method, path, route, upstream, target, status, bytes_in, bytes_out, duration_ms, upstream_ms,"
                        + " consumer, user_agent, got 'password'"),
                err(2, "telemetry.access-log-fields[2]", "expected each field once ('status' is listed twice), got 'status'"));
    }

    @Test
    void tracingValuesAreChecked() {
        assertThat(errors("""
                telemetry:
                  tracing: { protocol: udp, sampler: sometimes, sampler-arg: "2" }
                """)).containsExactly(
                err(2, "telemetry.tracing.protocol", "expected http/protobuf or grpc, got 'udp'"),
                err(2, "telemetry.tracing.sampler", "expected one of always_off, always_on, parentbased_always_off,"
                        + " parentbased_always_on, parentbased_traceidratio, traceidratio, got 'sometimes'"),
                err(2, "telemetry.tracing.sampler-arg", "expected a ratio from 0 to 1, got '2'"));
    }

    @Test
    void consumersAreCheckedAndKeysNeverEchoed() {
        String hash = "sha256:" + "ab".repeat(32);
        assertThat(errors("""
                consumers:
                  - { id: mobile-app, api-keys: [ "%s" ], groups: [ partners ] }
                  - { id: mobile-app }
                  - { id: "bad id" }
                  - { groups: [ x ] }
                  - { id: web, api-keys: [ "%s", "my-plain-secret-key" ], scopes: [ "" ] }
                  - { id: cli, bogus: 1 }
                """.formatted(hash, hash))).containsExactly(
                err(3, "consumers[1].id", "duplicate consumer 'mobile-app' (first at line 2)"),
                err(4, "consumers[2].id", "expected a consumer id of letters, digits and ._:@- (at most 128, starting with a letter or digit), got 'bad id'"),
                err(5, "consumers[3].id", "missing required key 'id'"),
                err(6, "consumers[4].api-keys[0]", "this API key hash is already used by consumer 'mobile-app'"),
                err(6, "consumers[4].api-keys[1]", "expected sha256:<64 lower-case hex digits> (print one with `portico hash-key KEY`);"
                        + " a plain key is never accepted here"),
                err(6, "consumers[4].scopes[0]", "expected a non-empty name, got ''"),
                err(7, "consumers[5].bogus", "unknown key; expected one of: id, api-keys, groups, scopes"));
    }

    @Test
    void redisNeedsAUrlOfItsSchemeAndASaneTimeout() {
        assertThat(errors("redis: { timeout: 50ms }\n")).containsExactly(err(1, "redis.url", "missing required key 'url'"));
        assertThat(errors("redis: { url: \"http://:s3cret@host:6379\", timeout: 2m }\n")).containsExactly(
                err(1, "redis.timeout", "expected a duration from 1ms to 60s, got 120000ms"),
                err(1, "redis.url", "expected a URL like redis://127.0.0.1:6379, redis://:password@host:6379/0 or rediss://host:6380"));
    }

    // ---- routes --------------------------------------------------------------------------------------

    @Test
    void duplicateRouteIds() {
        assertThat(only(UPSTREAM + """
                routes:
                  - { id: a, match: { path: /a }, upstream: orders }
                  - { id: b, match: { path: /b }, upstream: orders }
                  - { id: a, match: { path: /c }, upstream: orders }
                """)).isEqualTo(err(5, "routes[2].id", "duplicate route id 'a' (first at line 3)"));
    }

    @Test
    void routeRequiredKeysAndIds() {
        assertThat(errors(UPSTREAM + """
                routes:
                  - match: { path: /a }
                  - id: "bad id"
                    upstream: orders
                    match: {}
                  -
                  - just-a-string
                """)).containsExactly(
                err(3, "routes[0].id", "missing required key 'id'"),
                err(3, "routes[0].upstream", "missing required key 'upstream' (or 'aggregate')"),
                err(4, "routes[1].id", "expected a route id of letters, digits, '_', '.' and '-' (starting with a"
                        + " letter or digit), got 'bad id'"),
                err(6, "routes[1].match.path", "missing required key 'path'"),
                err(7, "routes[2]", "expected a route like { id: ..., match: { path: ... }, upstream: ... },"
                        + " got nothing"),
                err(8, "routes[3]", "expected a mapping, got 'just-a-string'"));
    }

    @Test
    void unknownUpstreamWhenNoneDeclared() {
        assertThat(only("routes: [ { id: a, match: { path: /a }, upstream: orders } ]")).isEqualTo(err(1,
                "routes[0].upstream", "unknown upstream 'orders'; no upstreams are declared under 'upstreams'"));
    }

    @Test
    void aRouteHasEitherUpstreamOrAggregate() {
        assertThat(only(UPSTREAM + """
                routes:
                  - id: dashboard
                    match: { path: "/api/dashboard/{userId}" }
                    upstream: orders
                    aggregate:
                      parts: [ { name: o, upstream: orders, path: /o } ]
                """)).isEqualTo(err(6, "routes[0].aggregate", "a route has either 'upstream' or 'aggregate', not both"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            /api/orders/** | /v1  | expected a leading part of the path pattern '/api/orders/**' made of whole literal segments, such as '/api', got '/v1'
            /api/orders/** | /ap  | expected a leading part of the path pattern '/api/orders/**' made of whole literal segments, such as '/api', got '/ap'
            /api/orders/** | /api/ | expected a leading part of the path pattern '/api/orders/**' made of whole literal segments, such as '/api', got '/api/'
            /api/{id}/x    | /api/x | expected a leading part of the path pattern '/api/{id}/x' made of whole literal segments, such as '/api', got '/api/x'
            /{tenant}/**   | /t   | the path pattern '/{tenant}/**' starts with no literal segment, so there is no prefix to strip; got '/t'
            /api/**        | api  | expected a path prefix starting with '/', like /api, got 'api'
            """)
    void stripPrefixMustBeALiteralPrefixOfThePath(String path, String prefix, String message) {
        assertThat(only(UPSTREAM + "routes:\n  - id: r\n    match: { path: \"" + path + "\" }\n    upstream: orders\n"
                + "    strip-prefix: " + prefix + "\n")).isEqualTo(err(6, "routes[0].strip-prefix", message));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            api/x        | expected a path pattern starting with '/', got 'api/x'
            /a?b=1       | expected a path pattern without '?' or '#' (match query parameters with match.query), got '/a?b=1'
            /a#frag      | expected a path pattern without '?' or '#' (match query parameters with match.query), got '/a#frag'
            /a//b        | expected a path pattern without empty segments ('//' or a trailing '/'), got '/a//b'
            /a/          | expected a path pattern without empty segments ('//' or a trailing '/'), got '/a/'
            /a/../b      | expected a path pattern without '.' or '..' segments, got '/a/../b'
            /a/./b       | expected a path pattern without '.' or '..' segments, got '/a/./b'
            /a/**/b      | expected '**' only as the last segment, like /api/**, got '/a/**/b'
            /a/*         | expected '*' only in a final '/**' segment, got '/a/*'
            /a*/b        | expected '*' only in a final '/**' segment, got '/a*/b'
            /a/{1x}      | expected a parameter segment like {id} (letters, digits and '_', not starting with a digit) in segment '{1x}', got '/a/{1x}'
            /a/{id}/{id} | expected each parameter name once, but {id} is repeated, got '/a/{id}/{id}'
            /a/x{id}     | expected a parameter to fill a whole segment, like /items/{id}, got '/a/x{id}'
            /a/{id}.json | expected a parameter to fill a whole segment, like /items/{id}, got '/a/{id}.json'
            /a b         | expected path characters (letters, digits, -._~!$&'()+,;=:@ or %XX escapes) in segment 'a b', got '/a b'
            /a%zz        | expected path characters (letters, digits, -._~!$&'()+,;=:@ or %XX escapes) in segment 'a%zz', got '/a%zz'
            """)
    void pathPatternErrors(String path, String message) {
        assertThat(only(UPSTREAM + "routes:\n  - id: r\n    upstream: orders\n    match:\n      path: \"" + path + "\"\n"))
                .isEqualTo(err(6, "routes[0].match.path", message));
    }

    @Test
    void matchPredicateErrors() {
        assertThat(errors(UPSTREAM + """
                routes:
                  - id: r
                    upstream: orders
                    match:
                      path: /a
                      methods: [ GET, "PO ST" ]
                      host: api.example.com:8443
                      headers: { "X Bad": "1", X-Ok: }
                      query: GET
                """)).containsExactly(
                err(7, "routes[0].match.methods[1]", "expected an HTTP method like GET, got 'PO ST'"),
                err(8, "routes[0].match.host", "expected a host name like api.example.com or *.example.com"
                        + " (no port), got 'api.example.com:8443'"),
                err(9, "routes[0].match.headers.X Bad", "expected a header name (letters, digits and"
                        + " !#$%&'*+-.^_`|~), got 'X Bad'"),
                err(9, "routes[0].match.headers.X-Ok", "expected a value to match (\"*\" matches any value), got nothing"),
                err(10, "routes[0].match.query", "expected a mapping, got 'GET'"));
    }

    @Test
    void routeScalarErrors() {
        assertThat(errors(UPSTREAM + """
                routes:
                  - id: r
                    upstream: orders
                    match: { path: /a }
                    preserve-host: yes
                    timeout: 10
                    filters: { type: cors }
                """)).containsExactly(
                err(6, "routes[0].preserve-host", "expected true or false, got 'yes'"),
                err(7, "routes[0].timeout", "expected a duration like 500ms, 5s, 1m, 1h, got '10'"),
                err(8, "routes[0].filters", "expected a list, got a mapping"));
    }

    // ---- filters -------------------------------------------------------------------------------------

    @Test
    void unknownFilterTypesAndMissingTypes() {
        filterTypes = "request-id"::equals;
        assertThat(errors(UPSTREAM + """
                filters:
                  - { type: request-id }
                  - { name: oops }
                routes:
                  - id: r
                    upstream: orders
                    match: { path: /a }
                    filters:
                      - { type: request-id }
                      - { type: jwt-auth, issuer: x }
                      - type: acl
                        groups: [ a, ~ ]
                """)).containsExactly(
                err(4, "filters[1].type", "missing required key 'type'"),
                err(11, "routes[0].filters[1].type", "unknown filter type 'jwt-auth'"),
                err(12, "routes[0].filters[2].type", "unknown filter type 'acl'"),
                err(13, "routes[0].filters[2].groups[1]", "expected a value, got nothing"));
        assertThat(errors("filters: [ { type: jwt-auth } ]").getFirst().toString())
                .isEqualTo("conf/portico.yaml:1: filters[0].type: unknown filter type 'jwt-auth'");
    }

    // ---- upstreams -----------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            https://h:443         | https targets are not supported yet, got 'https://h:443'
            ftp://x               | expected an http:// URL like http://127.0.0.1:9001, got 'ftp://x'
            127.0.0.1:9001        | expected an http:// URL like http://127.0.0.1:9001, got '127.0.0.1:9001'
            http://               | expected an http:// URL like http://127.0.0.1:9001, got 'http://'
            http://h:1/a?x=1      | expected an http:// URL like http://127.0.0.1:9001 without a query or fragment, got 'http://h:1/a?x=1'
            http://h:1#f          | expected an http:// URL like http://127.0.0.1:9001 without a query or fragment, got 'http://h:1#f'
            http://u:hunter2@h:1  | expected an http:// URL like http://127.0.0.1:9001 without user info (user:password@)
            http://h:0            | expected an http:// URL like http://127.0.0.1:9001 with a port 1..65535, got 'http://h:0'
            http://h:70000        | expected an http:// URL like http://127.0.0.1:9001 with a port 1..65535, got 'http://h:70000'
            http://h x:1          | expected an http:// URL like http://127.0.0.1:9001, got 'http://h x:1'
            """)
    void targetUrlErrors(String url, String message) {
        assertThat(only("upstreams:\n  u:\n    targets:\n      - \"" + url + "\"\n"))
                .isEqualTo(err(4, "upstreams.u.targets[0]", message));
    }

    @Test
    void upstreamErrors() {
        assertThat(errors("""
                upstreams:
                  "bad name":
                    targets: []
                  dup:
                    targets:
                      - http://h:1
                      - { url: "http://H:1/" }
                    balancer: fastest
                    hash-on: ip
                    retries: { attempts: 11 }
                  nothing: {}
                  ch:
                    targets: [ http://h:1 ]
                    balancer: consistent-hash
                    hash-on: body
                    circuit-breaker: { failure-ratio: 1.5, window: 0 }
                    health: { active: { path: health, healthy: 0 }, passive: { eject: 0s } }
                """)).containsExactly(
                err(2, "upstreams.bad name", "expected an upstream name of letters, digits, '_', '.' and '-'"
                        + " (starting with a letter or digit), got 'bad name'"),
                err(7, "upstreams.dup.targets[1].url", "duplicate target 'http://H:1/' (first at line 6)"),
                err(8, "upstreams.dup.balancer", "expected one of: round-robin, weighted, least-requests,"
                        + " consistent-hash, random, got 'fastest'"),
                err(9, "upstreams.dup.hash-on", "hash-on is only used with balancer: consistent-hash"),
                err(10, "upstreams.dup.retries.attempts", "expected an integer 0..10, got '11'"),
                err(11, "upstreams.nothing.targets", "missing required key 'targets'"),
                err(15, "upstreams.ch.hash-on", "expected ip, header:<name>, cookie:<name> or param:<name>,"
                        + " got 'body'"),
                err(16, "upstreams.ch.circuit-breaker.failure-ratio", "expected a number greater than 0 and at"
                        + " most 1, like 0.5, got '1.5'"),
                err(16, "upstreams.ch.circuit-breaker.window", "expected an integer >= 1, got '0'"),
                err(17, "upstreams.ch.health.active.path", "expected a path starting with '/' like /health,"
                        + " got 'health'"),
                err(17, "upstreams.ch.health.active.healthy", "expected an integer 1..1000, got '0'"),
                err(17, "upstreams.ch.health.passive.eject", "expected a duration greater than 0, got '0s'"));
    }

    // ---- server / admin ------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            max-body-size: 10XB      | server.max-body-size    | expected a size like 512KB, 10MB, 1GB or a number of bytes, got '10XB'
            max-body-size: 1.5MB     | server.max-body-size    | expected a size like 512KB, 10MB, 1GB or a number of bytes, got '1.5MB'
            max-body-size: -1        | server.max-body-size    | expected a size like 512KB, 10MB, 1GB or a number of bytes, got '-1'
            max-body-size: 0         | server.max-body-size    | expected a size of at least 1 byte, got '0'
            max-body-size: 99999999999GB | server.max-body-size | expected a size like 512KB, 10MB, 1GB or a number of bytes (this one is too large), got '99999999999GB'
            max-request-line: 4KB    | server.max-request-line | expected a size from 8000 bytes to 1MB, got '4KB'
            max-request-line: 2MB    | server.max-request-line | expected a size from 8000 bytes to 1MB, got '2MB'
            max-header-size: 512     | server.max-header-size  | expected a size from 1KB to 1MB, got '512'
            max-headers: 0           | server.max-headers      | expected an integer 1..10000, got '0'
            max-connections: 0       | server.max-connections  | expected an integer >= 1, got '0'
            idle-timeout: 5sec       | server.idle-timeout     | expected a duration like 500ms, 5s, 1m, 1h, got '5sec'
            idle-timeout: 1.5s       | server.idle-timeout     | expected a duration like 500ms, 5s, 1m, 1h, got '1.5s'
            idle-timeout: -1s        | server.idle-timeout     | expected a duration like 500ms, 5s, 1m, 1h, got '-1s'
            idle-timeout: 5S         | server.idle-timeout     | expected a duration like 500ms, 5s, 1m, 1h, got '5S'
            idle-timeout: 250us      | server.idle-timeout     | expected a duration like 500ms, 5s, 1m, 1h, got '250us'
            shutdown-grace: 0ms      | server.shutdown-grace   | expected a duration greater than 0, got '0ms'
            port: 65536              | server.port             | expected an integer 0..65535, got '65536'
            port: { a: 1 }           | server.port             | expected an integer 0..65535, got a mapping
            host: "no such host!"    | server.host             | expected an IP address or host name like 0.0.0.0 or 127.0.0.1, got 'no such host!'
            host: 999.1.1.1          | server.host             | expected an IP address or host name like 0.0.0.0 or 127.0.0.1, got '999.1.1.1'
            trusted-proxies: [ 10.0.0.0/33 ] | server.trusted-proxies[0] | expected an IP address or CIDR block like 10.0.0.0/8 or ::1/128, got '10.0.0.0/33'
            trusted-proxies: 10.0.0.0/8 | server.trusted-proxies | expected a list, got '10.0.0.0/8'
            """)
    void serverValueErrors(String line, String key, String message) {
        assertThat(only("server:\n  " + line + "\n")).isEqualTo(err(2, key, message));
    }

    @Test
    void adminErrors() {
        assertThat(only("admin:\n  host: 10.0.0.5\n")).isEqualTo(err(2, "admin.host", "a non-loopback admin host"
                + " needs admin.token (set a token, or bind to 127.0.0.1), got '10.0.0.5'"));
        assertThat(only("admin: { port: -2 }"))
                .isEqualTo(err(1, "admin.port", "expected an integer 0..65535 or -1 (disabled), got '-2'"));
        ConfigError token = only("admin: { token: \"two words\" }");
        assertThat(token).isEqualTo(err(1, "admin.token",
                "expected a token of visible ASCII characters without spaces"));
        assertThat(only("demo: { enabled: on }"))
                .isEqualTo(err(1, "demo.enabled", "expected true or false, got 'on'"));
    }

    @Test
    void badDirectory() {
        assertThat(only("scripts: { dir: \"\" }"))
                .isEqualTo(err(1, "scripts.dir", "expected a directory path like scripts or /opt/portico/scripts, got ''"));
    }

    // ---- environment ---------------------------------------------------------------------------------

    @Test
    void unsetVariableWithoutDefaultIsAnErrorNamingIt() {
        assertThat(errors("""
                server:
                  port: ${PORT:8080}
                  host: ${BIND_HOST}
                admin:
                  token: "${A}-${B}"
                """)).containsExactly(
                err(3, "server.host", "environment variable BIND_HOST is not set (write ${BIND_HOST:default} to"
                        + " give a default)"),
                err(5, "admin.token", "environment variable A is not set (write ${A:default} to give a default)"),
                err(5, "admin.token", "environment variable B is not set (write ${B:default} to give a default)"));
    }

    @Test
    void substitutedValuesAreNotEchoed() {
        env.put("ADMIN_PORT", "hunter2");
        env.put("UP", "ftp://user:hunter2@x");
        List<ConfigError> errors = errors("""
                admin: { port: "${ADMIN_PORT}" }
                upstreams: { u: { targets: [ "${UP}" ] } }
                """);
        assertThat(errors).containsExactly(
                err(1, "admin.port", "expected an integer 0..65535 or -1 (disabled), got (value from ${ADMIN_PORT})"),
                err(2, "upstreams.u.targets[0]", "expected an http:// URL like http://127.0.0.1:9001, got"
                        + " (value from ${UP})"));
        assertThat(errors).noneMatch(e -> e.message().contains("hunter2"));
    }

    @Test
    void malformedReferences() {
        assertThat(errors("server: { host: \"${1X}\", port: \"${P\" }")).containsExactly(
                err(1, "server.host", "expected a reference like ${NAME} or ${NAME:default}, got '${1X}'"),
                err(1, "server.port", "expected '}' to close the '${' reference (write $${ for a literal ${)"));
    }
}
