package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.testing.ScriptedGateway;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example filters shipped in the repository's {@code scripts/} folder, copied as they are into a running
 * gateway and exercised with real requests. One gateway serves every test (a route per example setting).
 */
class ScriptExamplesTest {
    /** Sets the consumer from test headers, as an authenticating plugin would. */
    static final String AUTH = """
            export default { phase: 'authenticate', onRequest(req, ctx) {
              const id = req.headers.get('x-test-consumer');
              if (id == null) return;
              const claims = {};
              if (req.headers.has('x-test-tenant')) claims.tenant = req.headers.get('x-test-tenant');
              if (req.headers.has('x-test-org')) claims.org = req.headers.get('x-test-org');
              ctx.consumer = { id, groups: ['staff'], claims };
            } };
            """;

    // the tenant routes list tenant-check (authorize) before auth.js (authenticate): phases order them
    static final String ROUTES = """
              - id: headers
                match: { path: /h/** }
                upstream: a
                filters:
                  - { type: script, file: add-headers.js, timeout: 1s, config: { request: { X-Gateway: portico, X-Multi: [one, 2], X-Drop: [] }, response: { X-Served-By: portico, X-Flag: true } } }
              - id: tenant
                match: { path: /tenant/** }
                upstream: a
                filters:
                  - { type: script, file: tenant-check.js, timeout: 1s, config: { allowed: [acme, globex] } }
                  - { type: script, file: auth.js, timeout: 1s }
              - id: tenant-org
                match: { path: /org/** }
                upstream: a
                filters:
                  - { type: script, file: auth.js, timeout: 1s }
                  - { type: script, file: tenant-check.js, timeout: 1s, config: { claim: org, header: X-Org } }
              - id: ab
                match: { path: /ab/** }
                upstream: a
                filters:
                  - { type: script, file: ab-cookie.js, timeout: 1s, config: { upstream: b } }
              - id: ab-hash
                match: { path: /abh/** }
                upstream: a
                filters:
                  - { type: script, file: ab-cookie.js, timeout: 1s, config: { upstream: b, cookie: exp, value: beta, control: alpha, hash-header: X-User, percent: 50, max-age: 60 } }
              - id: redact
                match: { path: /r/** }
                upstream: a
                filters:
                  - { type: script, file: redact.js, timeout: 1s, config: { fields: [password, number, token], mask: "[hidden]" } }
              - id: redact-default
                match: { path: /rd/** }
                upstream: a
                filters:
                  - { type: script, file: redact.js, timeout: 1s }
              - id: validate
                match: { path: /v/** }
                upstream: a
                filters:
                  - { type: script, file: validate.js, timeout: 1s, config: { required: [name, email] } }
              - id: validate-any
                match: { path: /va/** }
                upstream: a
                filters:
                  - { type: script, file: validate.js, timeout: 1s }
            """;

    static ScriptedGateway gw;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Map<String, String> scripts = Map.of(
                "add-headers.js", ScriptedGateway.repoScript("add-headers.js"),
                "tenant-check.js", ScriptedGateway.repoScript("tenant-check.js"),
                "ab-cookie.js", ScriptedGateway.repoScript("ab-cookie.js"),
                "redact.js", ScriptedGateway.repoScript("redact.js"),
                "validate.js", ScriptedGateway.repoScript("validate.js"),
                "auth.js", AUTH);
        gw = ScriptedGateway.start(dir, scripts, ROUTES);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void theExamplesStartWithTheTypeReferenceAndStayShort() throws Exception {
        for (String f : new String[] {"add-headers.js", "tenant-check.js", "ab-cookie.js", "redact.js", "validate.js"}) {
            String text = ScriptedGateway.repoScript(f);
            assertThat(text).as(f).startsWith("/** @type {import('./types/portico').PorticoFilter} */\n")
                    .contains("config:").contains("export default");
            assertThat(text.lines().count()).as(f + " lines").isLessThanOrEqualTo(65);
        }
    }

    // ---- add-headers.js

    @Test
    void addHeadersSetsRequestAndResponseHeaders() throws Exception {
        HttpResponse<String> r = gw.get("/h/x", "X-Gateway", "client-value", "X-Drop", "secret", "X-Keep", "k");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("a GET /h/x\n")
                .contains("\nx-gateway: portico\n").doesNotContain("client-value")
                .contains("\nx-multi: one\n").contains("\nx-multi: 2\n")
                .doesNotContain("x-drop").contains("\nx-keep: k\n");
        assertThat(r.headers().allValues("X-Served-By")).containsExactly("portico");
        assertThat(r.headers().allValues("X-Flag")).containsExactly("true");
    }

    // ---- tenant-check.js

    @Test
    void tenantCheckAnswers401WithoutAConsumer() throws Exception {
        HttpResponse<String> r = gw.get("/tenant/x");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(r.body()).contains("\"status\":401").contains("\"title\":\"Unauthorized\"")
                .contains("\"instance\":\"" + r.headers().firstValue("X-Request-Id").orElseThrow() + "\"")
                .doesNotStartWith("a ");
    }

    @Test
    void tenantCheckAnswers403ForAMissingOrUnlistedTenant() throws Exception {
        HttpResponse<String> none = gw.get("/tenant/x", "X-Test-Consumer", "ann");
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("\"status\":403").doesNotStartWith("a ");
        HttpResponse<String> other = gw.get("/tenant/x", "X-Test-Consumer", "ann", "X-Test-Tenant", "initech");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("\"status\":403").doesNotContain("initech");
        HttpResponse<String> empty = gw.get("/tenant/x", "X-Test-Consumer", "ann", "X-Test-Tenant", "");
        assertThat(empty.statusCode()).isEqualTo(403);
    }

    @Test
    void tenantCheckPassesAnAllowedTenantUpstreamReplacingWhatTheClientSent() throws Exception {
        HttpResponse<String> r = gw.get("/tenant/x", "X-Test-Consumer", "ann", "X-Test-Tenant", "globex",
                "X-Tenant", "forged");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("a GET /tenant/x\n").contains("\nx-tenant: globex\n").doesNotContain("forged");
    }

    @Test
    void tenantCheckReadsTheConfiguredClaimAndHeader() throws Exception {
        HttpResponse<String> r = gw.get("/org/x", "X-Test-Consumer", "ann", "X-Test-Org", "umbrella");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\nx-org: umbrella\n").doesNotContain("x-tenant");
        // no allow-list: any tenant, but the claim must be there
        assertThat(gw.get("/org/x", "X-Test-Consumer", "ann", "X-Test-Tenant", "acme").statusCode()).isEqualTo(403);
    }

    // ---- ab-cookie.js

    @Test
    void abCookieSendsTheBCookieToTheOtherUpstream() throws Exception {
        assertThat(gw.get("/ab/x").body()).startsWith("a GET /ab/x\n");
        assertThat(gw.get("/ab/x", "Cookie", "ab=b").body()).startsWith("b GET /ab/x\n");
        assertThat(gw.get("/ab/x", "Cookie", "ab=a").body()).startsWith("a ");
        assertThat(gw.get("/ab/x", "Cookie", "session=1;  ab=b ;theme=dark").body()).startsWith("b ");
        assertThat(gw.get("/ab/x", "Cookie", "session=1; ab=\"b\"").body()).startsWith("b ");
        assertThat(gw.get("/ab/x", "Cookie", "xab=b; abc=b; session=ab=b").body()).startsWith("a ");
        assertThat(gw.get("/ab/x", "Cookie", "session=1", "Cookie", "ab=b").body()).startsWith("b ");
        // several Cookie lines on the wire (the JDK client may fold them into one, so write them by hand)
        String raw = rawGet("/ab/x", "Cookie: session=1", "Cookie: theme=dark; ab=b");
        assertThat(raw).startsWith("HTTP/1.1 200").contains("\r\n\r\nb GET /ab/x\n")
                .contains("\ncookie: session=1\ncookie: theme=dark; ab=b\n");
        HttpResponse<String> r = gw.get("/ab/x", "Cookie", "ab=b");
        assertThat(r.headers().allValues("Set-Cookie")).as("no hash-header: nothing assigned").isEmpty();
    }

    @Test
    void abCookieAssignsABucketByAStableHashAndSetsTheCookie() throws Exception {
        String beta = IntStream.range(0, 1000).mapToObj(i -> "user-" + i).filter(u -> fnv1a(u) % 100 < 50)
                .findFirst().orElseThrow();
        String alpha = IntStream.range(0, 1000).mapToObj(i -> "user-" + i).filter(u -> fnv1a(u) % 100 >= 50)
                .findFirst().orElseThrow();
        for (int i = 0; i < 3; i++) { // stable: the same user always lands in the same bucket
            HttpResponse<String> b = gw.get("/abh/x", "X-User", beta);
            assertThat(b.body()).startsWith("b GET /abh/x\n");
            assertThat(b.headers().allValues("Set-Cookie"))
                    .containsExactly("exp=beta; Path=/; Max-Age=60; SameSite=Lax; HttpOnly");
            HttpResponse<String> a = gw.get("/abh/x", "X-User", alpha);
            assertThat(a.body()).startsWith("a GET /abh/x\n");
            assertThat(a.headers().allValues("Set-Cookie"))
                    .containsExactly("exp=alpha; Path=/; Max-Age=60; SameSite=Lax; HttpOnly");
        }
        // the cookie wins over the hash, and is not set again
        HttpResponse<String> kept = gw.get("/abh/x", "X-User", beta, "Cookie", "exp=alpha");
        assertThat(kept.body()).startsWith("a ");
        assertThat(kept.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(gw.get("/abh/x", "Cookie", "exp=beta").body()).startsWith("b ");
        // nothing to hash: default upstream, no cookie
        HttpResponse<String> anon = gw.get("/abh/x");
        assertThat(anon.body()).startsWith("a ");
        assertThat(anon.headers().allValues("Set-Cookie")).isEmpty();
    }

    /** A GET written byte by byte (HTTP/1.1, Connection: close); the whole response as text. */
    static String rawGet(String path, String... headerLines) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.gateway().port())) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The script's hash: 32-bit FNV-1a over UTF-16 code units. */
    static long fnv1a(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x01000193;
        }
        return Integer.toUnsignedLong(h);
    }

    // ---- redact.js

    @Test
    void redactMasksConfiguredFieldsAtAnyDepth() throws Exception {
        HttpResponse<String> r = gw.get("/r/x.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"user\":\"ann\",\"password\":\"[hidden]\",\"card\":{\"number\":\"[hidden]\"}}");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.headers().firstValue("Content-Length"))
                .contains(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void redactDefaultsToPasswordWithStars() throws Exception {
        HttpResponse<String> r = gw.get("/rd/x.json");
        assertThat(r.body()).isEqualTo("{\"user\":\"ann\",\"password\":\"***\",\"card\":{\"number\":\"4111\"}}");
        assertThat(r.headers().firstValue("Content-Length"))
                .contains(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void redactFollowsArraysAndKeepsEverythingElse() throws Exception {
        String in = "[{\"id\":1,\"token\":\"t1\",\"tags\":[\"a\",{\"password\":\"p\",\"n\":null}]},"
                + "{\"id\":2,\"nested\":{\"deeper\":[{\"number\":42}]},\"ok\":true,\"pi\":3.5,\"name\":\"é\"}]";
        HttpResponse<String> r = post("/r/echo.json", in, "X-Echo-Content-Type", "application/vnd.api+json; charset=utf-8");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"id\":1,\"token\":\"[hidden]\",\"tags\":[\"a\",{\"password\":\"[hidden]\",\"n\":null}]},"
                + "{\"id\":2,\"nested\":{\"deeper\":[{\"number\":\"[hidden]\"}]},\"ok\":true,\"pi\":3.5,\"name\":\"é\"}]");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/vnd.api+json; charset=utf-8");
        assertThat(r.headers().firstValue("Content-Length"))
                .contains(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void redactLeavesNonJsonAndEmptyResponsesAlone() throws Exception {
        HttpResponse<String> text = gw.get("/r/x", "X-Password", "password=secret");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).startsWith("a GET /r/x\n").contains("x-password: password=secret");
        String notJson = "{\"password\":\"secret\"}";
        HttpResponse<String> plain = post("/r/echo.json", notJson, "X-Echo-Content-Type", "text/plain");
        assertThat(plain.body()).isEqualTo(notJson);
        HttpResponse<String> empty = post("/r/echo.json", "");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
    }

    @Test
    void redactFailsClosedOnMalformedJson() throws Exception {
        HttpResponse<String> r = post("/r/echo.json", "{\"password\":\"secret\"");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("urn:portico:problem:filter-error").doesNotContain("secret");
        assertThat(gw.get("/rd/x.json").statusCode()).isEqualTo(200);
    }

    // ---- validate.js

    @Test
    void validatePassesAValidBodyUnchanged() throws Exception {
        String body = "{ \"name\": \"Ann\",\n  \"email\": \"ann@example.com\", \"extra\": [1, 2] }";
        HttpResponse<String> r = post("/v/users", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("a POST /v/users\n").endsWith("\n\n" + body)
                .contains("content-length: " + body.getBytes(StandardCharsets.UTF_8).length);
        HttpResponse<String> put = send("PUT", "/v/users/1", "{\"name\":\"A\",\"email\":\"a@b\"}",
                "Content-Type", "application/json; charset=utf-8");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).startsWith("a PUT /v/users/1\n");
    }

    @Test
    void validateLetsOtherMethodsThrough() throws Exception {
        assertThat(gw.get("/v/users").statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/v/users/1", "", "Content-Type", "text/plain").statusCode()).isEqualTo(200);
    }

    @Test
    void validateAnswers400ForMissingOrEmptyFields() throws Exception {
        HttpResponse<String> r = post("/v/users", "{\"name\":\"  \",\"other\":1}");
        assertProblem(r);
        assertThat(r.body()).contains("{\"field\":\"name\",\"message\":\"is required\"}")
                .contains("{\"field\":\"email\",\"message\":\"is required\"}")
                .contains("\"detail\":\"Missing required field(s): name, email.\"");
        HttpResponse<String> partial = send("PATCH", "/v/users/1", "{\"name\":\"Ann\",\"email\":null}",
                "Content-Type", "application/json");
        assertProblem(partial);
        assertThat(partial.body()).contains("\"field\":\"email\"").doesNotContain("\"field\":\"name\"");
        assertProblem(post("/v/users", "[{\"name\":\"Ann\",\"email\":\"x\"}]"));
    }

    @Test
    void validateAnswers400ForMalformedJsonOrAnotherContentType() throws Exception {
        HttpResponse<String> bad = post("/v/users", "{\"name\":");
        assertProblem(bad);
        assertThat(bad.body()).contains("not valid JSON");
        HttpResponse<String> empty = post("/va/users", "");
        assertProblem(empty);
        HttpResponse<String> form = send("POST", "/v/users", "name=Ann", "Content-Type", "application/x-www-form-urlencoded");
        assertProblem(form);
        assertThat(form.body()).contains("Content-Type must be application/json");
        HttpResponse<String> none = send("POST", "/v/users", "{\"name\":\"Ann\",\"email\":\"x\"}");
        assertProblem(none);
        // without required fields any JSON passes
        assertThat(post("/va/users", "[1,2]").statusCode()).isEqualTo(200);
    }

    private static void assertProblem(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.body()).startsWith("{\"type\":\"urn:portico:problem:validation\",\"title\":\"Bad Request\",\"status\":400,")
                .contains("\"instance\":\"" + r.headers().firstValue("X-Request-Id").orElseThrow() + "\"")
                .contains("\"errors\":[").doesNotStartWith("a ");
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return send("POST", path, body, all);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return gw.send(b.build());
    }
}
