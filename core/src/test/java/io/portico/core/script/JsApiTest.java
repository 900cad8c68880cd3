package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.AttributeKey;
import io.portico.api.BodyTooLargeException;
import io.portico.api.Consumer;
import io.portico.core.chain.MutableResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every member of the JS filter API, through a real engine, against a fake exchange. */
class JsApiTest {
    static ScriptEngine engine;
    static final Logger LOG = Logger.getLogger(JsApiTest.class.getName() + ".script");
    static final JsConfig CONFIG = new JsConfig(Map.of("header", "X-Tenant"));

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        engine = new ScriptEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    /** A version of {@code export default { phase: 'transform', <members> }}, with a 1 s budget per call. */
    ScriptVersion compile(String members) throws IOException {
        Path f = Files.createTempFile(dir, "api", ".js");
        Files.writeString(f, "export default { phase: 'transform',\n" + members + "\n};\n");
        CompileResult r = engine.compile(f, ScriptOptions.defaults().withTimeout(Duration.ofSeconds(1)));
        assertThat(r).isInstanceOf(ScriptVersion.class);
        return (ScriptVersion) r;
    }

    /** Runs {@code body} as a synchronous {@code onRequest(req, ctx)} and returns what it returns, as a string. */
    String onRequest(FakeExchange ex, String body) throws IOException {
        return value(invokeRequest(ex, "onRequest(req, ctx) {\n" + body + "\n}"));
    }

    ScriptResult<String> invokeRequest(FakeExchange ex, String members) throws IOException {
        try (ScriptVersion v = compile(members)) {
            return v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.isNull() ? null : val.toString(),
                    new JsRequest(ex), new JsContext(ex, CONFIG, LOG, "api.js@0123456789ab", true));
        }
    }

    /** Runs {@code body} as a synchronous {@code onResponse(res, ctx)}. */
    String onResponse(FakeExchange ex, String body) throws IOException {
        return value(invokeResponse(ex, "onRequest() {}, onResponse(res, ctx) {\n" + body + "\n}"));
    }

    ScriptResult<String> invokeResponse(FakeExchange ex, String members) throws IOException {
        try (ScriptVersion v = compile(members)) {
            return v.invoke(ScriptVersion.Hook.ON_RESPONSE, val -> val.isNull() ? null : val.toString(),
                    new JsResponse(ex), new JsContext(ex, CONFIG, LOG, "api.js@0123456789ab", false));
        }
    }

    static String value(ScriptResult<String> r) {
        if (r instanceof ScriptResult.Failure<String> f) {
            throw new AssertionError("script failed: " + f.detail(), f.cause());
        }
        return ((ScriptResult.Ok<String>) r).value();
    }

    /** JS that runs {@code code} and pushes {@code name:message} of what it throws (or {@code no error}). */
    static String attempt(String code) {
        return "try { " + code + "; out.push('no error'); } catch (e) { out.push(e.name + ': ' + e.message); }\n";
    }

    // ---- req ----

    @Test
    void requestReadsMethodPathClientIpParamsAndListsItsMembers() throws IOException {
        FakeExchange ex = new FakeExchange("POST", "/orders/42");
        ex.pathParams = Map.of("id", "42");
        assertThat(onRequest(ex, """
                return [req.method, req.path, req.clientIp, req.params.id, typeof req.params.nope,
                        Object.keys(req.params).join(','), Object.keys(req).join(',')].join('|');
                """)).isEqualTo("POST|/orders/42|203.0.113.7|42|undefined|id|"
                + "method,path,query,params,headers,clientIp,text,json");
    }

    @Test
    void assigningThePathSetsTheUpstreamPath() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/api/items/7");
        assertThat(onRequest(ex, "const before = req.path; req.path = '/v2/items/7'; return before + ' ' + req.path;"))
                .isEqualTo("/api/items/7 /v2/items/7");
        assertThat(ex.upstreamPath).isEqualTo("/v2/items/7");
        assertThat(ex.request().path()).isEqualTo("/api/items/7");
    }

    @Test
    void badPathsAreRefusedWithATypeError() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/a");
        String out = onRequest(ex, "const out = [];\n"
                + attempt("req.path = 'relative'") + attempt("req.path = '/a b'") + attempt("req.path = '/a?x=1'")
                + attempt("req.path = '/a#f'") + attempt("req.path = '/a\\u0001'") + attempt("req.path = 5")
                + attempt("req.path = '/%zz'") + attempt("req.path = ''")
                + "out.push(req.path); return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly(
                "TypeError: req.path must start with '/'",
                "TypeError: req.path must not contain spaces, control characters, '#' or '?'",
                "TypeError: req.path must not contain spaces, control characters, '#' or '?'",
                "TypeError: req.path must not contain spaces, control characters, '#' or '?'",
                "TypeError: req.path must not contain spaces, control characters, '#' or '?'",
                "TypeError: req.path must be a string",
                "TypeError: req.path: bad escape",
                "TypeError: req.path must start with '/'",
                "/a");
        assertThat(ex.upstreamPath).isEqualTo("/a");
    }

    @Test
    void queryIsALiveView() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/", "a=1&a=2&b=x%20y&c");
        assertThat(onRequest(ex, """
                const q = req.query;
                const out = [q.get('a'), q.getAll('a').join(','), q.get('b'), String(q.get('nope')), q.getAll('nope').length,
                             q.has('c'), q.get('c') === '', q.has('nope'), q.names().join(',')];
                q.set('a', 3); q.add('d', 'v w'); q.add('d', true); q.delete('b');
                out.push(q.names().join(','), req.query === q);
                return out.join('|');
                """)).isEqualTo("1|1,2|x y|null|0|true|true|false|a,b,c|a,c,d|true");
        assertThat(ex.query.all("a")).containsExactly("3");
        assertThat(ex.query.all("d")).containsExactly("v w", "true");
        assertThat(ex.query.first("b")).isEmpty();
        assertThat(ex.query.encoded()).isEqualTo("a=3&c&d=v%20w&d=true");
    }

    @Test
    void queryRefusesObjectValues() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/", "a=1");
        assertThat(onRequest(ex, "const out = [];\n" + attempt("req.query.set('a', {})")
                + attempt("req.query.add('a', null)") + "return out.join('|');"))
                .isEqualTo("TypeError: query value must be a string, number or boolean"
                        + "|TypeError: query value must not be null or undefined");
        assertThat(ex.query.changed()).isFalse();
    }

    @Test
    void headersAreALiveCaseInsensitiveMultiValueView() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.headers.add("X-One", "1");
        ex.headers.add("Accept", "a");
        ex.headers.add("accept", "b");
        assertThat(onRequest(ex, """
                const h = req.headers;
                const out = [h.get('x-one'), h.getAll('ACCEPT').join(','), h.has('accept'), h.has('nope'), String(h.get('nope')),
                             h.names().join(',')];
                h.set('X-Two', 2); h.add('x-two', 'b'); h.delete('X-ONE');
                out.push(h.names().join(','), req.headers === h);
                return out.join('|');
                """)).isEqualTo("1|a,b|true|false|null|X-One,Accept|Accept,X-Two|true");
        assertThat(ex.headers.all("x-two")).containsExactly("2", "b");
        assertThat(ex.headers.contains("x-one")).isFalse();
    }

    @Test
    void readOnlyAndUnknownRequestMembersRefuseWrites() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.pathParams = Map.of("id", "1");
        String out = onRequest(ex, "const out = [];\n" + attempt("req.method = 'POST'")
                + attempt("req.headers = {}") + attempt("req.nope = 1") + attempt("delete req.method")
                + attempt("req.params.id = '2'") + attempt("req.text = null") + attempt("Object.keys(req).push('x')")
                + "out.push(req.method, req.params.id, typeof req.nope); return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly(
                "TypeError: req.method is read-only",
                "TypeError: req.headers is read-only",
                "TypeError: req has no member 'nope'",
                "TypeError: cannot delete req.method",
                "TypeError: req.params is read-only",
                "TypeError: req.text is read-only",
                "no error",
                "GET", "1", "undefined");
    }

    @Test
    void textAndJsonBufferTheBodyOnDemandAndReturnPromises() throws IOException {
        FakeExchange ex = new FakeExchange("POST", "/").body("{\"n\": 41, \"tags\": [\"a\"]}");
        assertThat(ex.body.inMemory()).isTrue();
        ScriptResult<String> r = invokeRequest(ex, """
                async onRequest(req, ctx) {
                  const p = req.json();
                  const isPromise = p instanceof Promise;
                  const b = await p;
                  req.headers.set('x-n', b.n + 1);
                  req.headers.set('x-tags', b.tags.concat(['b']).join(','));
                  req.headers.set('x-text', (await req.text()).length);
                  req.headers.set('x-promise', isPromise && req.text() instanceof Promise);
                }
                """);
        assertThat(r.ok()).isTrue();
        assertThat(ex.headers.first("x-n")).contains("42");
        assertThat(ex.headers.first("x-tags")).contains("a,b");
        assertThat(ex.headers.first("x-text")).contains("24");
        assertThat(ex.headers.first("x-promise")).contains("true");
    }

    @Test
    void malformedJsonIsASyntaxErrorInTheScript() throws IOException {
        FakeExchange ex = new FakeExchange("POST", "/").body("{not json");
        assertThat(invokeRequest(ex, """
                async onRequest(req, ctx) {
                  try { await req.json(); req.headers.set('x-err', 'none'); }
                  catch (e) { req.headers.set('x-err', e.name + ' ' + (e instanceof SyntaxError)); }
                }
                """).ok()).isTrue();
        assertThat(ex.headers.first("x-err")).contains("SyntaxError true");

        ScriptResult<String> sync = invokeRequest(new FakeExchange("POST", "/").body("{not json"),
                "onRequest(req) { req.json(); }");
        assertThat(sync).isInstanceOf(ScriptResult.Failure.class);
        assertThat(((ScriptResult.Failure<String>) sync).kind()).isEqualTo(ScriptResult.Kind.SCRIPT_ERROR);
        assertThat(((ScriptResult.Failure<String>) sync).detail()).contains("SyntaxError");
    }

    @Test
    void bodyTooLargePropagatesAsTheHostException() throws IOException {
        for (String call : List.of("req.text()", "req.json()")) {
            FakeExchange ex = new FakeExchange("POST", "/").tooLargeBody();
            ScriptResult<String> r = invokeRequest(ex, "onRequest(req) { " + call + "; return 'read'; }");
            assertThat(r).as(call).isInstanceOf(ScriptResult.Failure.class);
            Throwable cause = ((ScriptResult.Failure<String>) r).cause();
            assertThat(cause).isInstanceOf(PolyglotException.class);
            PolyglotException pe = (PolyglotException) cause;
            assertThat(pe.isHostException()).isTrue();
            assertThat(pe.asHostException()).isInstanceOf(BodyTooLargeException.class);
        }
    }

    @Test
    void bodyTooLargeInAnAsyncHandlerFailsTheCallWithTheHostException() throws IOException {
        FakeExchange ex = new FakeExchange("POST", "/").tooLargeBody();
        try (ScriptVersion v = compile("async onRequest(req) { const b = await req.json(); req.headers.set('x', b); }")) {
            ScriptResult<Void> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, new JsRequest(ex),
                    new JsContext(ex, CONFIG, LOG, "api.js@0", true));
            assertThat(r).isInstanceOf(ScriptResult.Failure.class);
            assertThat(((ScriptResult.Failure<Void>) r).cause()).isInstanceOf(BodyTooLargeException.class);
        }
        assertThat(ex.headers.contains("x")).isFalse();
    }

    @Test
    void anAsyncHandlerIsAwaitedAndItsRejectionFailsTheCall() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        try (ScriptVersion v = compile("async onRequest(req, ctx) { await null; ctx.respond(202, 'later'); }")) {
            JsContext ctx = new JsContext(ex, CONFIG, LOG, "api.js@0", true);
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, new JsRequest(ex), ctx).ok()).isTrue();
            assertThat(ctx.answer().status()).isEqualTo(202);
        }
        try (ScriptVersion v = compile("async onRequest(req) { await null; throw new Error('nope'); }")) {
            ScriptResult<Void> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, new JsRequest(ex),
                    new JsContext(ex, CONFIG, LOG, "api.js@0", true));
            assertThat(r).isInstanceOfSatisfying(ScriptResult.Failure.class, f -> {
                assertThat(f.kind()).isEqualTo(ScriptResult.Kind.SCRIPT_ERROR);
                assertThat(f.detail()).contains("nope");
            });
        }
        try (ScriptVersion v = compile("onRequest(req) { return new Promise(() => {}); }")) {
            ScriptResult<Void> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, new JsRequest(ex),
                    new JsContext(ex, CONFIG, LOG, "api.js@0", true));
            assertThat(r).isInstanceOfSatisfying(ScriptResult.Failure.class,
                    f -> assertThat(f.detail()).contains("never settles"));
        }
    }

    @Test
    void engineWarmUpRunsEveryBindingWithoutFailing() {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger engineLog = Logger.getLogger(ScriptEngine.class.getName());
        engineLog.addHandler(h);
        try (ScriptEngine e = new ScriptEngine()) {
            assertThat(e.implementationName()).isNotEmpty();
        } finally {
            engineLog.removeHandler(h);
        }
        assertThat(records).filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).isEmpty();
        assertThat(records).extracting(LogRecord::getMessage).anyMatch(m -> m.contains("warmed up"));
    }

    // ---- res ----

    @Test
    void responseStatusHeadersAndMembers() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        MutableResponse res = ex.respondWith(200, "text/plain", "hello");
        assertThat(onResponse(ex, """
                const out = [res.status, res.headers.get('content-type'), typeof res.body, Object.keys(res).join(',')];
                res.status = 201;
                res.headers.set('X-Served-By', 'portico');
                out.push(res.status);
                return out.join('|');
                """)).isEqualTo("200|text/plain|undefined|status,headers,text,json,body|201");
        assertThat(res.status()).isEqualTo(201);
        assertThat(res.headers().first("x-served-by")).contains("portico");
    }

    @Test
    void badStatusesAndReadOnlyResponseMembersThrow() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        MutableResponse res = ex.respondWith(200, null, null);
        String out = onResponse(ex, "const out = [];\n" + attempt("res.status = 99") + attempt("res.status = 600")
                + attempt("res.status = '201'") + attempt("res.status = 201.5") + attempt("res.headers = null")
                + attempt("res.nope = 1") + attempt("ctx.respond(204)") + "return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly(
                "RangeError: res.status must be an integer 200..599, got 99",
                "RangeError: res.status must be an integer 200..599, got 600",
                "RangeError: res.status must be an integer 200..599",
                "RangeError: res.status must be an integer 200..599",
                "TypeError: res.headers is read-only",
                "TypeError: res has no member 'nope'",
                "TypeError: ctx.respond is only available in onRequest");
        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void respondInOnResponseFailsTheCall() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.respondWith(200, null, null);
        ScriptResult<String> r = invokeResponse(ex, "onRequest() {}, onResponse(res, ctx) { ctx.respond(204); }");
        assertThat(r).isInstanceOf(ScriptResult.Failure.class);
        assertThat(((ScriptResult.Failure<String>) r).detail()).contains("ctx.respond is only available in onRequest");
    }

    @Test
    void responseBodyIsReadOnDemand() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.respondWith(200, "application/json", "{\"items\":[1,2]}");
        assertThat(invokeResponse(ex, """
                onRequest() {},
                async onResponse(res, ctx) {
                  const j = await res.json();
                  res.headers.set('x-count', j.items.length);
                  res.headers.set('x-text', await res.text());
                }
                """).ok()).isTrue();
        assertThat(ex.responseView().headers().first("x-count")).contains("2");
        assertThat(ex.responseView().headers().first("x-text")).contains("{\"items\":[1,2]}");
    }

    @Test
    void bodiesAScriptBuildsAreBoundedByTheBodyLimit() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/").bodyLimit(10);
        MutableResponse res = ex.respondWith(200, "text/plain", "old");
        assertThat(onResponse(ex, "const out = [];\n" + attempt("res.body = 'x'.repeat(11)")
                + attempt("res.body = { k: 'x'.repeat(5) }") + attempt("res.body = 'é'.repeat(6)")
                + attempt("res.body = 'x'.repeat(10)") + "return out.join('|');"))
                .isEqualTo("RangeError: res.body: the body exceeds server.max-body-size (10 bytes)"
                        + "|RangeError: res.body: the body exceeds server.max-body-size (10 bytes)"
                        + "|RangeError: res.body: the body exceeds server.max-body-size (10 bytes)|no error");
        assertThat(res.body().content()).hasSize(10);

        FakeExchange req = new FakeExchange("GET", "/").bodyLimit(10);
        assertThat(onRequest(req, "const out = [];\n" + attempt("ctx.respond(200, 'y'.repeat(11))")
                + attempt("ctx.respond(200, ['y'.repeat(20)])") + "return out.join('|');"))
                .isEqualTo("RangeError: ctx.respond: the body exceeds server.max-body-size (10 bytes)"
                        + "|RangeError: ctx.respond: the body exceeds server.max-body-size (10 bytes)");
    }

    @Test
    void assigningTheResponseBodyReplacesIt() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        MutableResponse res = ex.respondWith(200, "text/html", "<p>old</p>");
        onResponse(ex, "res.body = { ok: true, n: [1, 'é'] };");
        assertThat(new String(res.body().content(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true,\"n\":[1,\"é\"]}");
        assertThat(res.body().replaced()).isTrue();
        assertThat(res.headers().all("content-type")).containsExactly("application/json");

        onResponse(ex, "res.body = 'plain ü';");
        assertThat(res.body().content()).isEqualTo("plain ü".getBytes(StandardCharsets.UTF_8));
        assertThat(res.headers().first("content-type")).contains("application/json");

        onResponse(ex, "res.headers.set('Content-Type', 'application/vnd.x+json'); res.body = [1, 2]; res.body = 7;");
        assertThat(new String(res.body().content(), StandardCharsets.UTF_8)).isEqualTo("7");
        assertThat(res.headers().first("content-type")).contains("application/vnd.x+json");

        onResponse(ex, "res.body = null;");
        assertThat(res.body().content()).isEmpty();
        onResponse(ex, "res.body = 'x'; res.body = undefined;");
        assertThat(res.body().content()).isEmpty();

        FakeExchange noType = new FakeExchange("GET", "/");
        MutableResponse r2 = noType.respondWith(200, null, null);
        assertThat(onResponse(noType, "const out = [];\n" + attempt("res.body = () => 1")
                + "res.body = { a: 1 }; return out.join('|');"))
                .isEqualTo("TypeError: res.body: the value cannot be serialized as JSON");
        assertThat(r2.headers().first("content-type")).contains("application/json");
    }

    // ---- ctx ----

    @Test
    void contextListsItsMembersAndKnowsTheRequestAndRoute() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.pathParams = Map.of("id", "9");
        String out = onRequest(ex, "const out = [Object.keys(ctx).join(','), ctx.requestId, ctx.route.id,"
                + " ctx.route.params.id, Object.keys(ctx.route).join(','), ctx.config.header];\n"
                + attempt("ctx.route.id = 'x'") + attempt("ctx.requestId = 'x'") + attempt("ctx.config = {}")
                + attempt("ctx.nope = 1") + attempt("delete ctx.log") + "return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly(
                "respond,config,route,upstream,consumer,attributes,log,span,requestId",
                "req-1", "route-1", "9", "id,params", "X-Tenant",
                "TypeError: ctx.route is read-only",
                "TypeError: ctx.requestId is read-only",
                "TypeError: ctx.config is read-only",
                "TypeError: ctx has no member 'nope'",
                "TypeError: cannot delete ctx.log");
    }

    @Test
    void upstreamCanBeReTargetedToAKnownUpstream() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        String out = onRequest(ex, "const out = [ctx.upstream];\n" + attempt("ctx.upstream = 'nowhere'")
                + attempt("ctx.upstream = 2") + "out.push(ctx.upstream); ctx.upstream = 'upstream-2'; out.push(ctx.upstream);"
                + "return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly("upstream-1",
                "TypeError: ctx.upstream: no upstream named 'nowhere'",
                "TypeError: ctx.upstream must be a string",
                "upstream-1", "upstream-2");
        assertThat(ex.upstream()).isEqualTo("upstream-2");
    }

    @Test
    void consumerIsNullUntilSetAndReadOnlyWhenSetByJava() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        assertThat(onRequest(ex, "return String(ctx.consumer);")).isEqualTo("null");
        ex.consumer(new Consumer("alice", Set.of("admins"), Map.of("tenant", "acme", "org",
                Map.of("units", List.of("a", "b")), "level", 3)));
        String out = onRequest(ex, "const c = ctx.consumer; const out = [c.id, c.groups.join(','), c.claims.tenant,"
                + " c.claims.org.units[1], c.claims.level + 1, Array.isArray(c.groups), Object.keys(c).join(',')];\n"
                + attempt("c.id = 'mallory'") + attempt("c.claims.tenant = 'x'") + attempt("c.groups[0] = 'x'")
                + attempt("c.claims.org.units[0] = 'x'") + "out.push(c.id, typeof c.claims.getClass); return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly("alice", "admins", "acme", "b", "4", "true", "id,groups,scopes,claims",
                "TypeError: ctx.consumer is read-only", "TypeError: ctx.consumer is read-only",
                "TypeError: ctx.consumer is read-only", "TypeError: ctx.consumer is read-only", "alice", "undefined");
    }

    @Test
    void assigningTheConsumerSetsItOnTheExchange() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        assertThat(onRequest(ex, """
                ctx.consumer = { id: 'bob', groups: ['a', 'b'], scopes: ['orders:read'],
                                 claims: { tenant: 'acme', n: 3, ratio: 0.5, admin: true, gone: null,
                                           scopes: ['r', 'w'], org: { unit: 'x' } } };
                return ctx.consumer.id + ' ' + ctx.consumer.claims.org.unit;
                """)).isEqualTo("bob x");
        Consumer c = ex.consumer().orElseThrow();
        assertThat(c.id()).isEqualTo("bob");
        assertThat(c.groups()).containsExactly("a", "b");
        assertThat(c.scopes()).containsExactly("orders:read");
        assertThat(c.claims()).isEqualTo(Map.of("tenant", "acme", "n", 3L, "ratio", 0.5, "admin", true,
                "scopes", List.of("r", "w"), "org", Map.of("unit", "x")));

        String out = onRequest(new FakeExchange("GET", "/"), "const out = [];\n" + attempt("ctx.consumer = { groups: [] }")
                + attempt("ctx.consumer = 'bob'") + attempt("ctx.consumer = { id: 'x', groups: [1] }")
                + attempt("ctx.consumer = { id: 'x', claims: [1] }") + attempt("ctx.consumer = { id: 'x', scopes: 'r' }") + "out.push(String(ctx.consumer)); return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly(
                "TypeError: ctx.consumer.id must be a non-empty string",
                "TypeError: ctx.consumer must be an object { id, groups?, scopes?, claims? }",
                "TypeError: ctx.consumer.groups must be an array of strings",
                "TypeError: ctx.consumer.claims must be an object",
                "TypeError: ctx.consumer.scopes must be an array of strings",
                "null");
    }

    @Test
    void consumerCannotBeSetInOnResponse() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.respondWith(200, null, null);
        assertThat(onResponse(ex, "const out = [];\n" + attempt("ctx.consumer = { id: 'x' }") + "return out[0];"))
                .isEqualTo("TypeError: ctx.consumer can be set only in onRequest");
        assertThat(ex.consumer()).isEmpty();
    }

    static final AttributeKey<String> TENANT = AttributeKey.of("tenant", String.class);
    static final AttributeKey<Long> COUNT = AttributeKey.of("count", Long.class);

    record Opaque(String v) {
    }

    @Test
    void attributesSetByJavaAreVisibleInJs() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.attribute(TENANT, "acme");
        ex.attribute(COUNT, 7L);
        ex.attribute(AttributeKey.of("list", List.class), List.of("a", Map.of("k", 1)));
        ex.attribute(AttributeKey.of("opaque", Opaque.class), new Opaque("x"));
        ex.attribute(AttributeKey.of("flag", Boolean.class), true);
        String out = onRequest(ex, """
                const a = ctx.attributes;
                const out = [a.tenant, a.count + 1, a.list[0], a.list[1].k, a.opaque, a.flag === true, typeof a.nope,
                             'tenant' in a, 'nope' in a, Object.keys(a).sort().join(','), typeof a.list.getClass];
                """ + attempt("a.list[0] = 'x'") + "return out.join('|');");
        assertThat(out).isEqualTo("acme|8|a|1|Opaque[v=x]|true|undefined|true|false|count,flag,list,opaque,tenant|undefined"
                + "|TypeError: ctx.attributes is read-only");
    }

    @Test
    void attributesSetInJsAreVisibleToJavaByName() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        ex.attribute(COUNT, 1L);
        ex.attribute(AttributeKey.of("old", String.class), "x");
        String out = onRequest(ex, "const a = ctx.attributes; const out = [];\n"
                + "a.tenant = 'acme'; a.count = 5; a.ratio = 0.25; a.ok = false; a.list = [1, 'b', [true]];"
                + " a.map = { k: { n: 1.5 } }; delete a.old; a.gone = 'x'; a.gone = undefined;\n"
                + attempt("a.count = 'five'") + attempt("a.f = () => 1") + attempt("a.h = req.headers")
                + "const cyc = {}; cyc.self = cyc;\n" + attempt("a.cyc = cyc") + attempt("a.big = new Array(10001)")
                + "out.push(Object.keys(a).sort().join(',')); return out.join('\\n');");
        assertThat(out.split("\n")).containsExactly(
                "TypeError: ctx.attributes.count: attribute 'count' holds a Long, not a String",
                "TypeError: ctx.attributes.f: functions and host objects cannot be stored",
                "TypeError: ctx.attributes.h: functions and host objects cannot be stored",
                "TypeError: ctx.attributes.cyc: nested deeper than 32 levels (or cyclic)",
                "TypeError: ctx.attributes.big: more than 10000 items",
                "count,list,map,ok,ratio,tenant");
        assertThat(ex.attribute(TENANT)).contains("acme");
        assertThat(ex.attribute(COUNT)).contains(5L);
        assertThat(ex.attribute(AttributeKey.of("ratio", Double.class))).contains(0.25);
        assertThat(ex.attribute(AttributeKey.of("ok", Boolean.class))).contains(false);
        assertThat(ex.attributeNamed("list")).isEqualTo(List.of(1L, "b", List.of(true)));
        assertThat(ex.attributeNamed("map")).isEqualTo(Map.of("k", Map.of("n", 1.5)));
        assertThat(ex.attributeNamed("old")).isNull();
        assertThat(ex.attributeNamed("gone")).isNull();
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) ex.attributeNamed("list");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> list.add(2))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void logWritesPrefixedCappedSingleLineRecords() throws IOException {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        LOG.addHandler(h);
        LOG.setUseParentHandlers(false);
        try {
            FakeExchange ex = new FakeExchange("GET", "/");
            onRequest(ex, """
                    ctx.log.info('hello', 42, { a: 1 }, null, undefined, true);
                    ctx.log.warn('line1\\nline2\\r');
                    ctx.log.error('x'.repeat(100000));
                    ctx.log.info();
                    return Object.keys(ctx.log).join(',');
                    """);
            assertThat(records).extracting(LogRecord::getLevel)
                    .containsExactly(Level.INFO, Level.WARNING, Level.SEVERE, Level.INFO);
            String prefix = "script api.js@0123456789ab request req-1: ";
            assertThat(records.get(0).getMessage()).isEqualTo(prefix + "hello 42 [object Object] null undefined true");
            assertThat(records.get(1).getMessage()).isEqualTo(prefix + "line1\\nline2\\r");
            assertThat(records.get(2).getMessage()).hasSize(JsLog.MAX_MESSAGE).startsWith(prefix + "xxx")
                    .endsWith("(truncated)");
            assertThat(records.get(3).getMessage()).isEqualTo(prefix);
        } finally {
            LOG.removeHandler(h);
        }
    }

    @Test
    void spanCallsReachTheExchangeSpan() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        assertThat(onRequest(ex, """
                ctx.span.setAttribute('tenant', 'acme');
                ctx.span.setAttribute('n', 3);
                ctx.span.addEvent('checked');
                const out = [Object.keys(ctx.span).join(',')];
                try { ctx.span.addEvent(); } catch (e) { out.push(e.name); }
                try { ctx.span.end = 1; } catch (e) { out.push(e.name); }
                return out.join('|');
                """)).isEqualTo("setAttribute,addEvent|TypeError|TypeError");
        assertThat(ex.spanLog).containsExactly("attribute tenant=acme", "attribute n=3", "event checked");
    }

    @Test
    void respondStillBuildsADecisionAndRefusesBadStatuses() throws IOException {
        FakeExchange ex = new FakeExchange("GET", "/");
        JsContext ctx = new JsContext(ex, CONFIG, LOG, "api.js@0", true);
        try (ScriptVersion v = compile("""
                onRequest(req, ctx) {
                  const out = [];
                  try { ctx.respond(99); } catch (e) { out.push(e.name); }
                  try { ctx.respond('x'); } catch (e) { out.push(e.name); }
                  ctx.respond(418, 'teapot', { 'X-A': ['1', 2] });
                  return out.join('|');
                }
                """)) {
            assertThat(v.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString(), new JsRequest(ex), ctx))
                    .isEqualTo(new ScriptResult.Ok<>("RangeError|TypeError"));
        }
        assertThat(ctx.answer().status()).isEqualTo(418);
        assertThat(ctx.answer().contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(ctx.answer().headers()).containsExactly(Map.entry("X-A", "1"), Map.entry("X-A", "2"));
    }
}
