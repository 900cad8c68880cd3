package io.portico.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.portico.core.config.AggregateConfig.Merge;
import io.portico.core.config.Template.Kind;
import io.portico.core.config.Template.Ref;
import io.portico.core.config.Template.Text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A route's {@code aggregate:} section: what valid sections parse into, and every problem with its line and key. */
class AggregateParserTest {
    private static final String FILE = "conf/portico.yaml";
    private static final String UPSTREAMS = "upstreams: { users: { targets: [ \"http://127.0.0.1:9001\" ] },"
            + " orders: { targets: [ \"http://127.0.0.1:9002\" ] } }\n";
    /** Lines 1-6; the first part is on line 7. */
    private static final String ROUTE = UPSTREAMS + """
            routes:
              - id: dashboard
                match: { path: "/api/dashboard/{userId}" }
                aggregate:
                  parts:
            """;
    /** A valid first part (line 7) for tests of a second one (line 8, {@code parts[1]}). */
    private static final String USER = "        - { name: user, upstream: users, path: \"/users/{userId}\" }\n";
    private static final String PART1 = "routes[0].aggregate.parts[1]";

    private static GatewayConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(FilterTypes.none(), n -> null).parse(yaml, FILE, Path.of("/etc/portico"));
    }

    private static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }

    private static ConfigError only(String yaml) {
        List<ConfigError> errors = errors(yaml);
        assertThat(errors).hasSize(1);
        return errors.getFirst();
    }

    private static ConfigError err(int line, String key, String message) {
        return new ConfigError(FILE, line, key, message);
    }

    private static AggregateConfig aggregate(String yaml) throws ConfigException {
        return parse(yaml).routes().getFirst().aggregate().orElseThrow();
    }

    private static Ref ref(Kind kind, String name, String... field) {
        return new Ref(kind, name, List.of(field));
    }

    @Test
    void fullSectionParsesIntoRecords() throws Exception {
        GatewayConfig c = parse(UPSTREAMS + """
                routes:
                  - id: dashboard
                    match: { path: "/api/dashboard/{userId}" }
                    timeout: 2s
                    aggregate:
                      merge: deep-merge
                      parts:
                        - name: user
                          upstream: users
                          path: "/users/{userId}"
                        - name: orders
                          upstream: orders
                          path: "/orders?user={user.id}&tenant={claims.tenant}&q={query.q}"
                          method: post
                          headers:
                            X-Consumer: "{consumer.id}"
                            X-Trace: "a-{user.meta.trace}-b"
                          timeout: 500ms
                          optional: true
                          after: user
                          extract: /data/items~1all
                        - name: sum_2
                          upstream: users
                          path: "/summary/{orders.count}/{user.id}%20x"
                          after: [ orders ]
                          extract: ""
                """);
        RouteConfig r = c.routes().getFirst();
        assertThat(r.upstream()).isNull();
        assertThat(r.stripPrefix()).isEmpty();
        assertThat(r.preserveHost()).isFalse();
        assertThat(r.timeout()).contains(Duration.ofSeconds(2));
        assertThat(r.line()).isEqualTo(3);

        Map<String, Template> headers = new LinkedHashMap<>();
        headers.put("X-Consumer", new Template("{consumer.id}", List.of(ref(Kind.CONSUMER_ID, "id"))));
        headers.put("X-Trace", new Template("a-{user.meta.trace}-b",
                List.of(new Text("a-"), ref(Kind.PART, "user", "meta", "trace"), new Text("-b"))));
        assertThat(r.aggregate()).contains(new AggregateConfig(new Merge.DeepMerge(), List.of(
                new PartConfig("user", "users", new Template("/users/{userId}",
                        List.of(new Text("/users/"), ref(Kind.PARAM, "userId"))),
                        "GET", Map.of(), Optional.empty(), false, List.of(), Optional.empty(), 9),
                new PartConfig("orders", "orders",
                        new Template("/orders?user={user.id}&tenant={claims.tenant}&q={query.q}", List.of(
                                new Text("/orders?user="), ref(Kind.PART, "user", "id"),
                                new Text("&tenant="), ref(Kind.CLAIM, "tenant"),
                                new Text("&q="), ref(Kind.QUERY, "q"))),
                        "POST", headers, Optional.of(Duration.ofMillis(500)), true, List.of("user"),
                        Optional.of("/data/items~1all"), 12),
                new PartConfig("sum_2", "users", new Template("/summary/{orders.count}/{user.id}%20x", List.of(
                        new Text("/summary/"), ref(Kind.PART, "orders", "count"), new Text("/"),
                        ref(Kind.PART, "user", "id"), new Text("%20x"))),
                        "GET", Map.of(), Optional.empty(), false, List.of("orders"), Optional.empty(), 23))));
        assertThat(List.copyOf(r.aggregate().orElseThrow().parts().get(1).headers().keySet()))
                .containsExactly("X-Consumer", "X-Trace");
    }

    @Test
    void mergeDefaultsToNamespace() throws Exception {
        assertThat(aggregate(ROUTE + USER).merge()).isEqualTo(new Merge.Namespace());
        assertThat(aggregate(ROUTE.replace("      parts:", "      merge: namespace\n      parts:") + USER).merge())
                .isEqualTo(new Merge.Namespace());
    }

    @Test
    void mergeScriptIsAFileOfScriptsDir() throws Exception {
        String yaml = ROUTE.replace("      parts:", "      merge:\n        script: ./merge/dashboard.js\n      parts:");
        assertThat(aggregate(yaml + USER).merge())
                .isEqualTo(new Merge.Script("merge/dashboard.js", 7));
        assertThat(aggregate(ROUTE.replace("      parts:", "      merge: { script: m.js }\n      parts:") + USER)
                .merge()).isEqualTo(new Merge.Script("m.js", 6));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            fold                   | merge           | expected namespace, deep-merge or { script: file.js }, got 'fold'
            [ namespace ]          | merge           | expected namespace, deep-merge or { script: file.js }, got a list
            { script: ../x.js }    | merge.script    | expected a script file relative to scripts.dir, like merge.js: script file '../x.js' must be a path inside scripts.dir
            { script: /x.js }      | merge.script    | expected a script file relative to scripts.dir, like merge.js: script file '/x.js' must be a path inside scripts.dir
            { script: ' ' }        | merge.script    | expected a script file relative to scripts.dir, like merge.js: a script file name is required
            { file: x.js }         | merge.script    | missing required key 'script'
            """)
    void mergeErrors(String merge, String key, String message) {
        List<ConfigError> errors = errors(ROUTE.replace("      parts:", "      merge: " + merge + "\n      parts:")
                + USER);
        assertThat(errors).contains(err(6, "routes[0].aggregate." + key, message));
        assertThat(errors).allSatisfy(e -> assertThat(e.key()).startsWith("routes[0].aggregate.merge"));
    }

    @Test
    void unknownMergeKeyIsAnError() {
        assertThat(only(ROUTE.replace("      parts:", "      merge: { script: m.js, args: 1 }\n      parts:") + USER))
                .isEqualTo(err(6, "routes[0].aggregate.merge.args", "unknown key; expected one of: script"));
    }

    @Test
    void routeLevelErrors() {
        assertThat(errors(UPSTREAMS + """
                routes:
                  - id: a
                    match: { path: /a }
                    strip-prefix: /a
                    preserve-host: true
                    aggregate:
                      parts: [ { name: x, upstream: users, path: /x } ]
                      fan-out: 3
                  - id: b
                    match: { path: /b }
                    aggregate:
                  - id: c
                    match: { path: /c }
                    aggregate: { parts: [] }
                  - id: d
                    match: { path: /d }
                """)).containsExactly(
                err(5, "routes[0].strip-prefix", "'strip-prefix' applies to upstream routes; an aggregate route"
                        + " cannot have it"),
                err(6, "routes[0].preserve-host", "'preserve-host' applies to upstream routes; an aggregate route"
                        + " cannot have it"),
                err(9, "routes[0].aggregate.fan-out", "unknown key; expected one of: merge, parts"),
                err(12, "routes[1].aggregate.parts", "missing required key 'parts'"),
                err(15, "routes[2].aggregate.parts", "expected a non-empty list of parts, got an empty list"),
                err(16, "routes[3].upstream", "missing required key 'upstream' (or 'aggregate')"));
    }

    @Test
    void partsMustBeMappings() {
        assertThat(errors(ROUTE + "        - \n        - just-a-name\n")).containsExactly(
                err(7, "routes[0].aggregate.parts[0]", "expected a part like { name: ..., upstream: ..., path: ... },"
                        + " got nothing"),
                err(8, "routes[0].aggregate.parts[1]", "expected a mapping, got 'just-a-name'"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{ upstream: users, path: /x }`                          | name     | missing required key 'name'
            `{ name: 1x, upstream: users, path: /x }`                | name     | expected a part name of letters, digits, '_' and '-', starting with a letter, got '1x'
            `{ name: claims, upstream: users, path: /x }`            | name     | part name 'claims' is reserved (query, consumer, claims, _portico have a meaning in templates and in the merged answer)
            `{ name: _portico, upstream: users, path: /x }`          | name     | part name '_portico' is reserved (query, consumer, claims, _portico have a meaning in templates and in the merged answer)
            `{ name: user, upstream: users, path: /x }`              | name     | duplicate part name 'user' (first at line 7)
            `{ name: b, path: /x }`                                  | upstream | missing required key 'upstream'
            `{ name: b, upstream: nowhere, path: /x }`               | upstream | unknown upstream 'nowhere'; expected one of: users, orders
            `{ name: b, upstream: users }`                           | path     | missing required key 'path'
            `{ name: b, upstream: users, path: x }`                  | path     | expected a path starting with '/', like /users/{userId}, got 'x'
            `{ name: b, upstream: users, path: "{userId}/x" }`       | path     | expected a path starting with '/', like /users/{userId}, got '{userId}/x'
            `{ name: b, upstream: users, path: "/x#top" }`           | path     | expected a path without '#' (a fragment is never sent), got '/x#top'
            `{ name: b, upstream: users, path: "/x y" }`             | path     | expected a path of letters, digits, -._~!$&'()*+,;=:@/?[] and %XX escapes outside {references}, got '/x y'
            `{ name: b, upstream: users, path: "/x|y" }`             | path     | `expected a path of letters, digits, -._~!$&'()*+,;=:@/?[] and %XX escapes outside {references}, got '/x|y'`
            `{ name: b, upstream: users, path: "/x\\ty" }`           | path     | expected a path of letters, digits, -._~!$&'()*+,;=:@/?[] and %XX escapes outside {references}, got '/x\ty'
            `{ name: b, upstream: users, path: "/x%2" }`             | path     | expected '%' only as the start of a %XX escape (two hex digits) in the path, got '/x%2'
            `{ name: b, upstream: users, path: "/x%{userId}" }`      | path     | expected '%' only as the start of a %XX escape (two hex digits) in the path, got '/x%{userId}'
            `{ name: b, upstream: users, path: "/x%zz" }`            | path     | expected '%' only as the start of a %XX escape (two hex digits) in the path, got '/x%zz'
            `{ name: b, upstream: users, path: "/x/{userId" }`       | path     | expected a template with {references} in matching braces (braces cannot be escaped), got '/x/{userId' with an unbalanced '{'
            `{ name: b, upstream: users, path: "/x/{a{userId}" }`    | path     | expected a template with {references} in matching braces (braces cannot be escaped), got '/x/{a{userId}' with an unbalanced '{'
            `{ name: b, upstream: users, path: "/x/userId}" }`       | path     | expected a template with {references} in matching braces (braces cannot be escaped), got '/x/userId}' with an unbalanced '}'
            `{ name: b, upstream: users, path: "/x/{}" }`            | path     | expected a template with {references} in matching braces (braces cannot be escaped), got '/x/{}' with an empty reference '{}'
            `{ name: b, upstream: users, path: "/x/{id}" }`          | path     | invalid reference {id}: it is not a parameter of the route's path '/api/dashboard/{userId}'; expected one of: userId
            `{ name: b, upstream: users, path: "/x?q={query.}" }`    | path     | invalid reference {query.}: expected a query parameter name after 'query.'
            `{ name: b, upstream: users, path: "/x/{consumer.name}" }` | path   | invalid reference {consumer.name}: only {consumer.id} is available from the consumer
            `{ name: b, upstream: users, path: "/x/{claims.}" }`     | path     | invalid reference {claims.}: expected a claim name after 'claims.'
            `{ name: b, upstream: users, path: "/x/{user..id}", after: user }` | path | invalid reference {user..id}: expected a field of part 'user' like {user.id} or {user.a.b} (no empty segment)
            `{ name: b, upstream: users, path: "/x/{user.}", after: user }`    | path | invalid reference {user.}: expected a field of part 'user' like {user.id} or {user.a.b} (no empty segment)
            `{ name: b, upstream: users, path: "/x/{b.id}" }`        | path     | invalid reference {b.id}: a part cannot refer to its own answer
            `{ name: b, upstream: users, path: "/x/{user.id}" }`     | path     | {user.id} refers to part 'user', which 'b' does not depend on: add after: user
            `{ name: b, upstream: users, path: "/x/{usr.id}" }`      | path     | invalid reference {usr.id}: expected {param}, {query.name}, {consumer.id}, {claims.name} or {part.field} with part one of: user
            `{ name: b, upstream: users, path: /x, method: HEAD }`   | method   | method 'HEAD' is refused: a part must answer with a body (HEAD, CONNECT and TRACE are not allowed)
            `{ name: b, upstream: users, path: /x, method: trace }`  | method   | method 'trace' is refused: a part must answer with a body (HEAD, CONNECT and TRACE are not allowed)
            `{ name: b, upstream: users, path: /x, method: "G T" }`  | method   | expected an HTTP method like GET, got 'G T'
            `{ name: b, upstream: users, path: /x, timeout: 0s }`    | timeout  | expected a duration greater than 0, got '0s'
            `{ name: b, upstream: users, path: /x, optional: maybe }` | optional | expected true or false, got 'maybe'
            `{ name: b, upstream: users, path: /x, after: nope }`    | after    | unknown part 'nope'; expected one of: user
            `{ name: b, upstream: users, path: /x, after: [ user, b ] }` | after[1] | a part cannot run after itself ('b')
            `{ name: b, upstream: users, path: /x, after: { user: 1 } }` | after | expected a part name or a list of part names, got a mapping
            `{ name: b, upstream: users, path: /x, extract: data }`  | extract  | expected a JSON pointer (RFC 6901) like /data/items: empty or starting with '/', with '~' only as ~0 or ~1, got 'data'
            `{ name: b, upstream: users, path: /x, extract: /a~2 }`  | extract  | expected a JSON pointer (RFC 6901) like /data/items: empty or starting with '/', with '~' only as ~0 or ~1, got '/a~2'
            `{ name: b, upstream: users, path: /x, extract: /a~ }`   | extract  | expected a JSON pointer (RFC 6901) like /data/items: empty or starting with '/', with '~' only as ~0 or ~1, got '/a~'
            `{ name: b, upstream: users, path: /x, retries: 2 }`     | retries  | unknown key; expected one of: name, upstream, path, method, headers, timeout, optional, after, extract
            """)
    void partErrors(String part, String key, String message) {
        assertThat(only(ROUTE + USER + "        - " + part + "\n")).isEqualTo(err(8, PART1 + "." + key, message));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{ Host: x }`                  | headers.Host              | header 'Host' is set by the gateway and cannot be set by a part (Host, Content-Length, Transfer-Encoding and Connection are refused)
            `{ content-length: "0" }`      | headers.content-length    | header 'content-length' is set by the gateway and cannot be set by a part (Host, Content-Length, Transfer-Encoding and Connection are refused)
            `{ Transfer-Encoding: x }`     | headers.Transfer-Encoding | header 'Transfer-Encoding' is set by the gateway and cannot be set by a part (Host, Content-Length, Transfer-Encoding and Connection are refused)
            `{ CONNECTION: x }`            | headers.CONNECTION        | header 'CONNECTION' is set by the gateway and cannot be set by a part (Host, Content-Length, Transfer-Encoding and Connection are refused)
            `{ X-A: a, x-a: b }`           | headers.x-a               | duplicate header 'x-a' (header names ignore case; first at line 8)
            `{ X-A: }`                     | headers.X-A               | expected a header value template, got nothing
            `{ X-A: [ a ] }`               | headers.X-A               | expected a header value template, got a list
            `{ X-A: "a\\r\\nb" }`          | headers.X-A               | expected a header value without CR, LF or NUL, got 'a\\r\\nb'
            `{ X-A: "a\\0b" }`             | headers.X-A               | expected a header value without CR, LF or NUL, got 'a\\0b'
            `{ X-A: "{user.id" }`          | headers.X-A               | expected a template with {references} in matching braces (braces cannot be escaped), got '{user.id' with an unbalanced '{'
            `{ X-A: "{user.id}" }`         | headers.X-A               | {user.id} refers to part 'user', which 'b' does not depend on: add after: user
            """)
    void headerErrors(String headers, String key, String message) {
        assertThat(only(ROUTE + USER + "        - { name: b, upstream: users, path: /x, headers: " + headers + " }\n"))
                .isEqualTo(err(8, PART1 + "." + key, message.replace("\\r", "\r").replace("\\n", "\n")
                        .replace("\\0", "\0")));
    }

    @Test
    void headerNamesAreTokens() {
        assertThat(only(ROUTE + USER + "        - { name: b, upstream: users, path: /x, headers: { \"X A\": x } }\n"))
                .isEqualTo(err(8, PART1 + ".headers.X A", "expected a header name (letters, digits and"
                        + " !#$%&'*+-.^_`|~), got 'X A'"));
    }

    @Test
    void headerValueTemplatesAreParsed() throws Exception {
        PartConfig p = aggregate(ROUTE + USER + "        - { name: b, upstream: users, path: /x, after: user,"
                + " headers: { X-User: \"u-{userId} {user.name.first}\", Accept: application/json } }\n")
                .parts().get(1);
        assertThat(p.headers()).containsExactly(
                Map.entry("X-User", new Template("u-{userId} {user.name.first}", List.of(new Text("u-"),
                        ref(Kind.PARAM, "userId"), new Text(" "), ref(Kind.PART, "user", "name", "first")))),
                Map.entry("Accept", new Template("application/json", List.of(new Text("application/json")))));
        assertThat(p.headers().get("Accept").literal()).isTrue();
    }

    @Test
    void afterAsAScalarIsAListOfOne() throws Exception {
        AggregateConfig a = aggregate(ROUTE + USER
                + "        - { name: b, upstream: users, path: /b, after: user }\n"
                + "        - { name: c, upstream: users, path: \"/c/{user.id}\", after: [ b, b ] }\n");
        assertThat(a.parts()).extracting(PartConfig::after)
                .containsExactly(List.of(), List.of("user"), List.of("b"));
    }

    @Test
    void partReferencesMayReachTransitiveDependencies() throws Exception {
        AggregateConfig a = aggregate(ROUTE + USER
                + "        - { name: b, upstream: users, path: /b, after: user }\n"
                + "        - { name: c, upstream: users, path: \"/c/{user.id}/{b.x.y}\", after: b }\n");
        assertThat(a.parts().get(2).path().pieces()).containsExactly(new Text("/c/"),
                ref(Kind.PART, "user", "id"), new Text("/"), ref(Kind.PART, "b", "x", "y"));
    }

    @Test
    void cyclesAreNamed() {
        assertThat(errors(ROUTE
                + "        - { name: a, upstream: users, path: /a, after: b }\n"
                + "        - { name: b, upstream: users, path: /b, after: [ a ] }\n"
                + "        - { name: c, upstream: users, path: /c, after: e }\n"
                + "        - { name: d, upstream: users, path: /d, after: c }\n"
                + "        - name: e\n"
                + "          upstream: users\n"
                + "          path: /e\n"
                + "          after: d\n")).containsExactly(
                err(7, "routes[0].aggregate.parts[0].after", "dependency cycle through 'after': a → b → a"),
                err(9, "routes[0].aggregate.parts[2].after", "dependency cycle through 'after': c → e → d → c"));
    }

    @Test
    void unknownPartReferenceWhenThereIsNoOtherPart() {
        assertThat(errors(ROUTE + "        - { name: b, upstream: users, path: \"/x/{usr.id}\", after: usr }\n"))
                .containsExactlyInAnyOrder(
                        err(7, "routes[0].aggregate.parts[0].path", "invalid reference {usr.id}: expected {param},"
                                + " {query.name}, {consumer.id}, {claims.name} or {part.field} (the route has no"
                                + " other part)"),
                        err(7, "routes[0].aggregate.parts[0].after",
                                "unknown part 'usr'; the route has no other part"));
    }

    @Test
    void routeWithoutParametersSaysSo() {
        assertThat(only(ROUTE.replace("/api/dashboard/{userId}", "/api/dashboard")
                + "        - { name: b, upstream: users, path: \"/x/{userId}\" }\n"))
                .isEqualTo(err(7, "routes[0].aggregate.parts[0].path", "invalid reference {userId}: it is not a"
                        + " parameter of the route's path '/api/dashboard'; the path has no parameters"));
    }

    @Test
    void parameterReferencesAreNotCheckedAgainstAnInvalidPath() {
        assertThat(only(ROUTE.replace("/api/dashboard/{userId}", "api")
                + "        - { name: b, upstream: users, path: \"/x/{userId}\" }\n"))
                .isEqualTo(err(4, "routes[0].match.path", "expected a path pattern starting with '/', got 'api'"));
    }

    @Test
    void templateErrorsDoNotEchoEnvironmentValues() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(FilterTypes.none(),
                Map.of("TOKEN", "secret\r\nx")::get).parse(ROUTE
                + "        - { name: b, upstream: users, path: /x, headers: { Authorization: \"Bearer ${TOKEN}\" } }\n",
                FILE, Path.of("/etc/portico")));
        assertThat(e.errors()).containsExactly(err(7, "routes[0].aggregate.parts[0].headers.Authorization",
                "expected a header value without CR, LF or NUL, got (value from ${TOKEN})"));
    }
}
