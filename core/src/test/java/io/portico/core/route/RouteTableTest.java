package io.portico.core.route;

import io.portico.core.config.MatchConfig;
import io.portico.core.config.RouteConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTest {

    // ---- builders -------------------------------------------------------------------------------

    static RouteConfig route(String id, String path) {
        return route(id, new MatchConfig(path, Set.of(), Optional.empty(), Map.of(), Map.of()), null);
    }

    static RouteConfig route(String id, MatchConfig match, String stripPrefix) {
        return new RouteConfig(id, match, "up", Optional.ofNullable(stripPrefix), false,
                Optional.empty(), List.of(), 1);
    }

    static RouteConfig withMethods(String id, String path, String... methods) {
        return route(id, new MatchConfig(path, Set.of(methods), Optional.empty(), Map.of(), Map.of()), null);
    }

    static RouteConfig withHost(String id, String path, String host) {
        return route(id, new MatchConfig(path, Set.of(), Optional.of(host), Map.of(), Map.of()), null);
    }

    static RouteConfig withHeaders(String id, String path, Map<String, String> headers) {
        return route(id, new MatchConfig(path, Set.of(), Optional.empty(), headers, Map.of()), null);
    }

    static RouteConfig withQuery(String id, String path, Map<String, String> query) {
        return route(id, new MatchConfig(path, Set.of(), Optional.empty(), Map.of(), query), null);
    }

    static RouteConfig stripping(String id, String path, String prefix) {
        return route(id, new MatchConfig(path, Set.of(), Optional.empty(), Map.of(), Map.of()), prefix);
    }

    static String matchedId(RouteTable table, RequestFacts facts) {
        RouteMatch m = table.match(facts);
        return m == null ? null : m.route().id();
    }

    // ---- precedence -----------------------------------------------------------------------------


    static final RouteTable PRECEDENCE = RouteTable.of(List.of(
            route("all", "/**"),
            route("api-all", "/api/**"),
            route("by-id", "/api/orders/{id}"),
            route("list", "/api/orders/list"),
            route("orders", "/api/orders"),
            route("two-params", "/api/{kind}/{id}"),
            route("root", "/")));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/orders/list  | list",
            "/api/orders/7     | by-id",
            "/api/orders       | orders",
            "/api/users/7      | two-params",
            "/api/orders/7/x   | api-all",
            "/api/orders/      | api-all",
            "/api              | api-all",
            "/api/             | api-all",
            "/other            | all",
            "/                 | root",
            "/apix             | all",
    })
    void exactBeatsParamBeatsCatchAll(String path, String expected) {
        assertThat(matchedId(PRECEDENCE, Facts.get(path))).isEqualTo(expected);
    }

    @Test
    void routesAreListedInTryOrder() {
        assertThat(PRECEDENCE.routes()).extracting(Route::id).containsExactly(
                "list", "orders", "root", "by-id", "two-params", "api-all", "all");
        assertThat(PRECEDENCE.size()).isEqualTo(7);
    }

    @Test
    void declarationOrderBreaksTies() {
        RouteTable t = RouteTable.of(List.of(
                route("first", "/a/{x}"),
                route("second", "/a/{y}"),
                route("third", "/{p}/b")));
        assertThat(matchedId(t, Facts.get("/a/b"))).isEqualTo("first");

        RouteTable reversed = RouteTable.of(List.of(
                route("second", "/a/{y}"),
                route("first", "/a/{x}")));
        assertThat(matchedId(reversed, Facts.get("/a/b"))).isEqualTo("second");
    }

    @Test
    void sameExactPatternDifferentPredicatesInDeclarationOrder() {
        RouteTable t = RouteTable.of(List.of(
                withMethods("a-get", "/a", "GET"),
                route("a-any", "/a"),
                withMethods("a-post", "/a", "POST")));
        assertThat(matchedId(t, Facts.request("GET", "/a"))).isEqualTo("a-get");
        assertThat(matchedId(t, Facts.request("POST", "/a"))).isEqualTo("a-any");
    }

    @Test
    void moreLiteralsThenLongerWinAmongCatchAlls() {
        RouteTable t = RouteTable.of(List.of(
                route("api", "/api/**"),
                route("api-version", "/api/{v}/**"),
                route("api-v1", "/api/v1/**")));
        assertThat(matchedId(t, Facts.get("/api/v1/x"))).isEqualTo("api-v1");
        assertThat(matchedId(t, Facts.get("/api/v2/x"))).isEqualTo("api-version");
        assertThat(matchedId(t, Facts.get("/api"))).isEqualTo("api");
    }

    @Test
    void noMatchIsNull() {
        RouteTable t = RouteTable.of(List.of(route("a", "/a/**"), route("b", "/b/{id}")));
        assertThat(t.match(Facts.get("/c"))).isNull();
        assertThat(t.match(Facts.get("/b"))).isNull();
        assertThat(t.match(Facts.get("/b/"))).isNull();
        assertThat(t.match(Facts.get("/"))).isNull();
    }

    @Test
    void emptyTableMatchesNothing() {
        assertThat(RouteTable.empty().match(Facts.get("/"))).isNull();
        assertThat(RouteTable.of(List.of()).match(Facts.get("/x"))).isNull();
        assertThat(RouteTable.empty().routes()).isEmpty();
    }

    @Test
    void rejectsDuplicateIdsAndBadPatterns() {
        assertThatThrownBy(() -> RouteTable.of(List.of(route("a", "/x"), route("a", "/y"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate route id 'a'");
        assertThatThrownBy(() -> RouteTable.of(List.of(route("a", "/x/*"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid path pattern '/x/*'");
    }

    // ---- predicates -----------------------------------------------------------------------------

    @Test
    void morePreciseRouteWithFailingPredicateFallsThrough() {
        RouteTable t = RouteTable.of(List.of(
                route("fallback", "/api/**"),
                withHeaders("v2", "/api/orders/{id}", Map.of("x-api-version", "2")),
                withMethods("delete", "/api/orders/{id}", "DELETE")));
        assertThat(matchedId(t, Facts.get("/api/orders/1").header("X-Api-Version", "2"))).isEqualTo("v2");
        assertThat(matchedId(t, Facts.get("/api/orders/1").header("X-Api-Version", "1"))).isEqualTo("fallback");
        assertThat(matchedId(t, Facts.request("DELETE", "/api/orders/1"))).isEqualTo("delete");
        assertThat(matchedId(t, Facts.get("/api/orders/1"))).isEqualTo("fallback");
    }

    @Test
    void methods() {
        RouteTable t = RouteTable.of(List.of(withMethods("rw", "/r", "GET", "POST")));
        assertThat(matchedId(t, Facts.request("GET", "/r"))).isEqualTo("rw");
        assertThat(matchedId(t, Facts.request("POST", "/r"))).isEqualTo("rw");
        assertThat(matchedId(t, Facts.request("PUT", "/r"))).isNull();
        assertThat(matchedId(t, Facts.request("get", "/r"))).isNull();

        RouteTable any = RouteTable.of(List.of(route("any", "/r")));
        assertThat(matchedId(any, Facts.request("PATCH", "/r"))).isEqualTo("any");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "api.example.com       | api.example.com        | true",
            "api.example.com       | API.Example.COM        | true",
            "api.example.com       | api.example.com:8443   | true",
            "api.example.com       | api.example.com.       | true",
            "API.example.com       | api.example.com        | true",
            "api.example.com       | example.com            | false",
            "api.example.com       | xapi.example.com       | false",
            "api.example.com       | api.example.com.evil   | false",
            "api.example.com       | NULL                   | false",
            "api.example.com       | ''                     | false",
            "*.example.com         | a.example.com          | true",
            "*.example.com         | a.b.example.com        | true",
            "*.example.com         | A.EXAMPLE.com:80       | true",
            "*.example.com         | example.com            | false",
            "*.example.com         | .example.com           | false",
            "*.example.com         | aexample.com           | false",
            "*.example.com         | a.example.com.evil.org | false",
            "[::1]                 | [::1]:8080             | true",
            "127.0.0.1             | 127.0.0.1:80           | true",
    })
    void host(String configured, String requestHost, boolean expected) {
        RouteTable t = RouteTable.of(List.of(withHost("h", "/", configured)));
        assertThat(t.match(Facts.get("/").host(requestHost)) != null).isEqualTo(expected);
    }

    @Test
    void hostFallsThroughToAnyHostRoute() {
        RouteTable t = RouteTable.of(List.of(
                route("default", "/x"),
                withHost("tenant", "/x", "*.tenants.example.com")));
        // same pattern: declaration order, so the host route must come first to win
        assertThat(matchedId(t, Facts.get("/x").host("a.tenants.example.com"))).isEqualTo("default");
        RouteTable u = RouteTable.of(List.of(
                withHost("tenant", "/x", "*.tenants.example.com"),
                route("default", "/x")));
        assertThat(matchedId(u, Facts.get("/x").host("a.tenants.example.com"))).isEqualTo("tenant");
        assertThat(matchedId(u, Facts.get("/x").host("tenants.example.com"))).isEqualTo("default");
    }

    @Test
    void headers() {
        RouteTable t = RouteTable.of(List.of(
                withHeaders("h", "/h", Map.of("x-api-version", "2", "x-tenant", "*"))));
        assertThat(matchedId(t, Facts.get("/h").header("X-Api-Version", "2").header("X-Tenant", "acme")))
                .isEqualTo("h");
        assertThat(matchedId(t, Facts.get("/h").header("x-api-version", "2").header("x-tenant", "")))
                .as("'*' means present, even empty").isEqualTo("h");
        assertThat(matchedId(t, Facts.get("/h").header("X-Api-Version", "2"))).as("x-tenant missing").isNull();
        assertThat(matchedId(t, Facts.get("/h").header("X-Tenant", "acme"))).as("version missing").isNull();
        assertThat(matchedId(t, Facts.get("/h").header("X-Api-Version", "20").header("X-Tenant", "a")))
                .isNull();
        RouteTable cs = RouteTable.of(List.of(withHeaders("c", "/c", Map.of("x-mode", "Fast"))));
        assertThat(matchedId(cs, Facts.get("/c").header("X-Mode", "fast"))).as("values are case-sensitive").isNull();
        assertThat(matchedId(cs, Facts.get("/c").header("X-Mode", "Fast"))).isEqualTo("c");
    }

    @Test
    void query() {
        RouteTable t = RouteTable.of(List.of(
                withQuery("q", "/q", Map.of("name", "a b", "flag", "*", "caf\u00e9", "\u00e9t\u00e9"))));
        assertThat(matchedId(t, Facts.get("/q").query("name=a+b&flag&caf%C3%A9=%C3%A9t%C3%A9"))).isEqualTo("q");
        assertThat(matchedId(t, Facts.get("/q").query("flag=&name=a%20b&caf%c3%a9=%c3%a9t%c3%a9"))).isEqualTo("q");
        assertThat(matchedId(t, Facts.get("/q").query("n%61me=a%2Bb&flag=1&caf%C3%A9=%C3%A9t%C3%A9")))
                .as("%2B is a plus, not a space").isNull();
        assertThat(matchedId(t, Facts.get("/q").query("name=a+b&caf%C3%A9=%C3%A9t%C3%A9"))).as("no flag").isNull();
        assertThat(matchedId(t, Facts.get("/q").query(""))).isNull();
    }

    @Test
    void queryFirstValueCounts() {
        RouteTable t = RouteTable.of(List.of(withQuery("q", "/q", Map.of("v", "2"))));
        assertThat(matchedId(t, Facts.get("/q").query("v=2&v=1"))).isEqualTo("q");
        assertThat(matchedId(t, Facts.get("/q").query("v=1&v=2"))).isNull();
    }

    @Test
    void queryIsParsedLazilyAndAtMostOnce() {
        RouteTable t = RouteTable.of(List.of(
                withQuery("q1", "/q/{a}", Map.of("x", "1")),
                withQuery("q2", "/q/{b}", Map.of("x", "2")),
                withQuery("q3", "/q/**", Map.of("x", "3")),
                route("plain", "/p")));

        Facts plain = Facts.get("/p").query("x=3");
        assertThat(matchedId(t, plain)).isEqualTo("plain");
        assertThat(plain.rawQueryCalls).isZero();

        Facts threeCandidates = Facts.get("/q/z").query("x=3");
        assertThat(matchedId(t, threeCandidates)).isEqualTo("q3");
        assertThat(threeCandidates.rawQueryCalls).isEqualTo(1);
    }

    // ---- results --------------------------------------------------------------------------------

    @Test
    void capturesPathParams() {
        RouteTable t = RouteTable.of(List.of(route("dash", "/api/dashboard/{userId}/{tab}")));
        RouteMatch m = t.match(Facts.get("/api/dashboard/u%2042/orders"));
        assertThat(m.route().id()).isEqualTo("dash");
        assertThat(m.params().get("userId")).isEqualTo("u%2042");
        assertThat(m.params().decoded("userId")).isEqualTo("u 42");
        assertThat(m.params().get("tab")).isEqualTo("orders");
        assertThat(m.params().asMap()).containsExactly(Map.entry("userId", "u%2042"), Map.entry("tab", "orders"));
        assertThat(m.upstreamPath()).isEqualTo("/api/dashboard/u%2042/orders");
    }

    @Test
    void withoutStripPrefixTheUpstreamPathIsTheSameInstance() {
        RouteTable t = RouteTable.of(List.of(route("a", "/a/**")));
        String path = "/a/b";
        assertThat(t.match(Facts.get(path)).upstreamPath()).isSameAs(path);
        assertThat(t.match(Facts.get(path)).params()).isSameAs(PathParams.EMPTY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/**          | /api      | /api             | /",
            "/api/**          | /api      | /api/            | /",
            "/api/**          | /api      | /api/x           | /x",
            "/api/**          | /api      | /api/x/y/        | /x/y/",
            "/api/**          | /api/     | /api/x           | /x",
            "/api/**          | /api/     | /api             | /",
            "/api/orders/**   | /api      | /api/orders/1    | /orders/1",
            "/api/orders/{id} | /api/orders | /api/orders/7  | /7",
            "/api/**          | /ap       | /api/x           | /api/x",
            "/**              | /         | /x/y             | /x/y",
            "/%61pi/**        | /%61pi    | /api/z           | /z",
    })
    void stripPrefix(String pattern, String prefix, String path, String expected) {
        RouteTable t = RouteTable.of(List.of(stripping("s", pattern, prefix)));
        RouteMatch m = t.match(Facts.get(path));
        assertThat(m).as("route matches %s", path).isNotNull();
        assertThat(m.upstreamPath()).isEqualTo(expected);
    }

    @Test
    void stripPrefixOnlyAtSegmentBoundary() {
        Route r = Route.of(stripping("s", "/**", "/api"));
        assertThat(r.upstreamPath("/apix/y")).isEqualTo("/apix/y");
        assertThat(r.upstreamPath("/ap")).isEqualTo("/ap");
        assertThat(r.upstreamPath("/api/y")).isEqualTo("/y");
        assertThat(r.upstreamPath("/other")).isEqualTo("/other");
        assertThat(r.upstreamPath("/api%2Fy")).as("an encoded slash is no boundary").isEqualTo("/api%2Fy");
    }

    // ---- path safety ----------------------------------------------------------------------------

    @Test
    void encodedSlashStaysInsideOneSegment() {
        RouteTable t = RouteTable.of(List.of(
                route("by-name", "/files/{name}"),
                route("nested", "/files/a/b")));
        RouteMatch m = t.match(Facts.get(PathNormalizer.normalize("/files/a%2fb")));
        assertThat(m.route().id()).isEqualTo("by-name");
        assertThat(m.params().get("name")).isEqualTo("a%2Fb");
        assertThat(m.params().decoded("name")).isEqualTo("a/b");
        assertThat(m.upstreamPath()).isEqualTo("/files/a%2Fb");

        RouteTable onlyNested = RouteTable.of(List.of(route("nested", "/files/a/b")));
        assertThat(onlyNested.match(Facts.get("/files/a%2Fb"))).isNull();
        assertThat(matchedId(onlyNested, Facts.get("/files/a/b"))).isEqualTo("nested");
    }

    @Test
    void encodedDotDotSlashNeverReachesAnotherRoute() {
        RouteTable t = RouteTable.of(List.of(
                route("admin", "/admin/**"),
                route("admin-exact", "/admin"),
                route("public", "/public/**")));
        // a dot segment hidden behind an encoded slash never reaches routing: it is rejected (400)
        for (String raw : List.of("/public/..%2Fadmin", "/public/..%2fadmin", "/public/%2e%2e%2fadmin",
                "/public/..%5Cadmin", "/public/.%2E%2Fadmin")) {
            assertThatThrownBy(() -> PathNormalizer.normalize(raw)).as(raw).isInstanceOf(BadPathException.class);
        }
        // an encoded slash without dots stays one opaque segment of the route it is in
        RouteMatch m = t.match(Facts.get(PathNormalizer.normalize("/public/a%2Fadmin")));
        assertThat(m.route().id()).isEqualTo("public");
        assertThat(m.upstreamPath()).isEqualTo("/public/a%2Fadmin");
        // real dot segments are resolved before routing, so this one is plainly /admin
        assertThat(matchedId(t, Facts.get(PathNormalizer.normalize("/public/%2e%2e/admin"))))
                .isEqualTo("admin-exact");
    }

    // ---- index vs. linear scan ------------------------------------------------------------------

    @Test
    void firstSegmentIndexAgreesWithLinearScan() {
        String[] literals = {"", "a", "b", "api", "x%2Fy"};
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            List<RouteConfig> configs = new ArrayList<>();
            int n = 1 + random.nextInt(12);
            for (int i = 0; i < n; i++) {
                configs.add(randomRoute("r" + i, random, literals));
            }
            RouteTable table;
            try {
                table = RouteTable.of(configs);
            } catch (IllegalArgumentException duplicateParamOrRoot) {
                continue;
            }
            for (int k = 0; k < 40; k++) {
                String path = randomPath(random, literals);
                Facts facts = Facts.request(random.nextBoolean() ? "GET" : "POST", path);
                assertThat(matchedId(table, facts)).as("%s on %s", path, configs)
                        .isEqualTo(linearMatch(table, facts));
            }
        }
    }

    private static String linearMatch(RouteTable table, RequestFacts facts) {
        for (Route r : table.routes()) {
            if (r.pattern().matches(facts.path()) && r.matchesRequest(facts)) {
                return r.id();
            }
        }
        return null;
    }

    private static RouteConfig randomRoute(String id, Random random, String[] literals) {
        StringBuilder sb = new StringBuilder();
        int segments = random.nextInt(4);
        for (int s = 0; s < segments; s++) {
            sb.append('/');
            if (random.nextInt(3) == 0) {
                sb.append("{p").append(s).append('}');
            } else {
                String lit = literals[1 + random.nextInt(literals.length - 1)];
                sb.append(lit);
            }
        }
        int tail = random.nextInt(3);
        if (tail == 0) {
            sb.append("/**");
        } else if (sb.isEmpty()) {
            sb.append('/');
        }
        Set<String> methods = random.nextInt(4) == 0 ? Set.of("POST") : Set.of();
        return route(id, new MatchConfig(sb.toString(), methods, Optional.empty(), Map.of(), Map.of()), null);
    }

    private static String randomPath(Random random, String[] literals) {
        StringBuilder sb = new StringBuilder();
        int segments = 1 + random.nextInt(4);
        for (int s = 0; s < segments; s++) {
            sb.append('/').append(random.nextInt(5) == 0 ? "zz" : literals[random.nextInt(literals.length)]);
        }
        return PathNormalizer.normalize(sb.toString());
    }
}
