package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.testing.ScriptedGateway;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every member of the JS API ({@code scripts/types/portico.d.ts}) through a running gateway: each script
 * reports what it read in request headers (seen by the echo upstream) or response headers (seen by the
 * client), and each change it makes is asserted where it lands. One gateway for all tests.
 */
class ScriptApiThroughGatewayTest {
    static final Map<String, String> SCRIPTS = new HashMap<>();

    static {
        SCRIPTS.put("method.js", """
                export default { phase: 'transform', onRequest(req) { req.headers.set('x-method', req.method); } };
                """);
        SCRIPTS.put("path.js", """
                export default { phase: 'transform', onRequest(req) {
                  req.headers.set('x-path-before', req.path);
                  try { req.path = 'no-slash'; } catch (e) { req.headers.set('x-path-bad', e.name); }
                  req.path = '/rewritten' + req.path;
                  req.headers.set('x-path-after', req.path);
                } };
                """);
        SCRIPTS.put("query.js", """
                export default { phase: 'transform', onRequest(req) {
                  const q = req.query, h = req.headers;
                  h.set('x-q-get', q.get('a'));
                  h.set('x-q-get-missing', String(q.get('zzz')));
                  h.set('x-q-get-flag', JSON.stringify(q.get('flag')));
                  h.set('x-q-getall', JSON.stringify(Array.from(q.getAll('a'))));
                  h.set('x-q-getall-missing', q.getAll('zzz').length);
                  h.set('x-q-has', [q.has('a'), q.has('flag'), q.has('A'), q.has('zzz')].join());
                  h.set('x-q-names', Array.from(q.names()).join());
                  q.set('s', 'x y&z'); q.set('sp', 'replaced'); q.add('a', 3); q.add('n', true); q.delete('d');
                  h.set('x-q-after', Array.from(q.names()).join());
                } };
                """);
        SCRIPTS.put("params.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  req.headers.set('x-param', req.params.id);
                  req.headers.set('x-param-keys', Object.keys(req.params).join());
                  req.headers.set('x-route-id', ctx.route.id);
                  req.headers.set('x-route-param', ctx.route.params.id);
                  try { req.params.id = 'x'; } catch (e) { req.headers.set('x-param-ro', e.name); }
                } };
                """);
        SCRIPTS.put("headers.js", """
                export default { phase: 'transform', onRequest(req) {
                  const h = req.headers;
                  h.set('x-h-get', h.get('X-ONE'));
                  h.set('x-h-get-missing', String(h.get('x-nope')));
                  h.set('x-h-getall', Array.from(h.getAll('x-MULTI')).join('|'));
                  h.set('x-h-getall-missing', h.getAll('x-nope').length);
                  h.set('x-h-has', [h.has('X-Del'), h.has('x-del'), h.has('x-nope')].join());
                  h.set('x-h-names', Array.from(h.names()).filter((n) => /^x-(one|multi|del)$/i.test(n)).sort().join());
                  h.add('X-MULTI', 'c');
                  h.delete('X-DEL');
                  h.set('x-num', 42);
                  h.set('x-bool', false);
                  try { h.set('x-bad', 'a\\r\\nx-injected: 1'); h.set('x-h-crlf', 'accepted'); }
                  catch (e) { h.set('x-h-crlf', 'refused'); }
                } };
                """);
        SCRIPTS.put("ip.js", """
                export default { phase: 'transform', onRequest(req) { req.headers.set('x-client-ip', req.clientIp); } };
                """);
        SCRIPTS.put("body.js", """
                export default { phase: 'transform', async onRequest(req, ctx) {
                  const text = await req.text();
                  let json;
                  try { json = await req.json(); } catch (e) {
                    return ctx.respond(422, { error: e.name, isSyntaxError: e instanceof SyntaxError });
                  }
                  req.headers.set('x-text-length', text.length);
                  req.headers.set('x-json-name', json.name);
                  req.headers.set('x-json-n', typeof json.n + ':' + (json.n + 1));
                  req.headers.set('x-json-list', json.list.length + ':' + json.list[1]);
                } };
                """);
        SCRIPTS.put("respond.js", """
                export default { phase: 'authorize', onRequest(req, ctx) {
                  switch (req.query.get('kind')) {
                    case 'text': return ctx.respond(202, 'hello ✓', { 'X-A': ['1', '2'], 'X-N': 7 });
                    case 'object': return ctx.respond(418, { ok: true, list: [1, 'x'], nested: { n: null } });
                    case 'empty': return ctx.respond(204);
                    case 'range':
                      try { ctx.respond(99); } catch (e) { return ctx.respond(200, e.name); }
                      return;
                    case 'twice':
                      ctx.respond(200, 'first');
                      try { ctx.respond(201, 'second'); } catch (e) { ctx.attributes.second = e.name; }
                      return;
                  }
                }, onResponse(res, ctx) {
                  if (ctx.attributes.second) res.headers.set('x-second', ctx.attributes.second);
                } };
                """);
        SCRIPTS.put("config.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  const c = ctx.config;
                  req.headers.set('x-c', [c.s, c.n + 1, c.flag === true, c.nested.list[1], c.nested.list.length,
                    c.nested.deep.k, c.missing === undefined].join('|'));
                  req.headers.set('x-c-keys', Object.keys(c).join());
                  try { c.s = 'changed'; } catch (e) { req.headers.set('x-c-ro', e.name + ':' + c.s); }
                } };
                """);
        SCRIPTS.put("upstream.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  req.headers.set('x-up-before', ctx.upstream);
                  const to = req.query.get('to');
                  if (to != null) ctx.upstream = to;
                  req.headers.set('x-up-after', ctx.upstream);
                } };
                """);
        SCRIPTS.put("auth.js", """
                export default { phase: 'authenticate', onRequest(req, ctx) {
                  const id = req.headers.get('x-test-consumer');
                  if (id != null) ctx.consumer = { id, groups: ['staff', 'ops'], claims: { tenant: 'acme', level: 3, roles: ['r1'], gone: null } };
                } };
                """);
        SCRIPTS.put("consumer-read.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  const c = ctx.consumer;
                  if (c == null) return req.headers.set('x-consumer', 'none');
                  req.headers.set('x-consumer', [c.id, Array.from(c.groups).sort().join('+'), c.claims.tenant, c.claims.level + 1,
                    c.claims.roles[0], 'gone' in c.claims].join('|'));
                  try { c.id = 'mallory'; } catch (e) { req.headers.set('x-consumer-ro', e.name + ':' + ctx.consumer.id); }
                }, onResponse(res, ctx) {
                  res.headers.set('x-consumer-in-response', ctx.consumer?.id ?? 'none');
                  try { ctx.consumer = { id: 'late' }; } catch (e) { res.headers.set('x-consumer-late', e.name); }
                } };
                """);
        SCRIPTS.put("attr-set.js", """
                export default { phase: 'authorize', onRequest(req, ctx) {
                  const a = ctx.attributes;
                  a.tier = 'gold'; a.count = 3; a.obj = { list: [1, 'x'], ok: true }; a.tmp = 'x';
                  delete a.tmp;
                  a.cleared = 'y'; a.cleared = undefined;
                } };
                """);
        SCRIPTS.put("attr-get.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  const a = ctx.attributes;
                  req.headers.set('x-attr', [a.tier, a.count + 1, a.obj.list[1], a.obj.ok, 'tmp' in a, a.cleared === undefined].join('|'));
                  req.headers.set('x-attr-keys', Object.keys(a).filter((k) => ['tier', 'count', 'obj', 'tmp', 'cleared'].includes(k)).sort().join());
                  try { a.obj.ok = false; } catch (e) { req.headers.set('x-attr-ro', e.name); }
                }, onResponse(res, ctx) { res.headers.set('x-attr-in-response', ctx.attributes.tier); } };
                """);
        SCRIPTS.put("log.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  ctx.log.info('info line', 42, true);
                  ctx.log.warn('warn line');
                  ctx.log.error('error line\\nsecond line');
                } };
                """);
        SCRIPTS.put("span.js", """
                export default { phase: 'transform', onRequest(req, ctx) {
                  ctx.span.setAttribute('tenant', 'acme'); ctx.span.setAttribute('n', 1); ctx.span.setAttribute('b', true);
                  ctx.span.addEvent('checked');
                  req.headers.set('x-span', 'ok');
                } };
                """);
        SCRIPTS.put("rid.js", """
                export default { phase: 'transform', onRequest(req, ctx) { req.headers.set('x-rid', ctx.requestId); },
                  onResponse(res, ctx) { res.headers.set('x-rid-seen', ctx.requestId); } };
                """);
        SCRIPTS.put("status.js", """
                export default { phase: 'transform', onRequest() {}, onResponse(res, ctx) {
                  res.headers.set('x-status-seen', res.status);
                  try { res.status = 700; } catch (e) { res.headers.set('x-status-bad', e.name); }
                  res.status = ctx.config.status;
                  res.headers.set('x-status-now', res.status);
                } };
                """);
        SCRIPTS.put("res-headers.js", """
                export default { phase: 'transform', onRequest() {}, onResponse(res) {
                  const h = res.headers;
                  h.set('x-r-get', h.get('CONTENT-TYPE'));
                  h.set('x-r-get-missing', String(h.get('x-nope')));
                  h.set('x-r-getall', Array.from(h.getAll('x-up-multi')).join('|'));
                  h.set('x-r-has', [h.has('X-UP-DEL'), h.has('x-nope')].join());
                  h.set('x-r-names', Array.from(h.names()).filter((n) => /^x-up-/i.test(n)).map((n) => n.toLowerCase()).sort().join());
                  h.add('X-Up-Multi', 'm3');
                  h.delete('x-up-del');
                  h.set('X-Added', 1);
                } };
                """);
        SCRIPTS.put("res-text.js", """
                export default { phase: 'transform', onRequest() {}, async onResponse(res) {
                  const t = await res.text();
                  res.headers.set('x-res-first-line', t.split('\\n')[0]);
                  res.headers.set('x-res-again', (await res.text()) === t);
                } };
                """);
        SCRIPTS.put("res-json.js", """
                export default { phase: 'transform', onRequest() {}, async onResponse(res) {
                  const j = await res.json();
                  res.headers.set('x-res-json', [j.user, j.card.number, Object.keys(j).join('+')].join('|'));
                } };
                """);
        SCRIPTS.put("res-body.js", """
                export default { phase: 'transform', onRequest() {}, onResponse(res, ctx) {
                  res.headers.set('x-body-read', typeof res.body);
                  switch (ctx.config.kind) {
                    case 'string': res.body = 'replaced ✓'; break;
                    case 'object': res.body = { a: [1, 2], s: 'é', n: null }; break;
                    case 'typed': res.headers.set('Content-Type', 'application/vnd.x+json'); res.body = { a: 1 }; break;
                    case 'null': res.body = null; break;
                  }
                } };
                """);
        SCRIPTS.put("async.js", """
                export default { phase: 'transform', async onRequest(req, ctx) {
                  await null;
                  const later = await new Promise((resolve) => resolve('resolved'));
                  const body = await req.text();
                  ctx.respond(200, { awaited: later, body });
                } };
                """);
        SCRIPTS.put("throw-response.js", """
                export default { phase: 'transform', onRequest() {}, onResponse(res) {
                  if (res.headers.get('content-type')?.startsWith('text/plain')) {
                    throw new Error('secret internal detail: db at 10.1.2.3');
                  }
                } };
                """);
    }

    static final String ROUTES = """
              - { id: method, match: { path: /m/** }, upstream: a, filters: [ { type: script, file: method.js, timeout: 1s } ] }
              - { id: path, match: { path: /path/** }, upstream: a, filters: [ { type: script, file: path.js, timeout: 1s } ] }
              - { id: query, match: { path: /q/** }, upstream: a, filters: [ { type: script, file: query.js, timeout: 1s } ] }
              - { id: params, match: { path: "/p/{id}" }, upstream: a, filters: [ { type: script, file: params.js, timeout: 1s } ] }
              - { id: headers, match: { path: /hd/** }, upstream: a, filters: [ { type: script, file: headers.js, timeout: 1s } ] }
              - { id: ip, match: { path: /ip/** }, upstream: a, filters: [ { type: script, file: ip.js, timeout: 1s } ] }
              - { id: body, match: { path: /body/** }, upstream: a, filters: [ { type: script, file: body.js, timeout: 1s } ] }
              - { id: respond, match: { path: /respond/** }, upstream: a, filters: [ { type: script, file: respond.js, timeout: 1s } ] }
              - id: config
                match: { path: /config/** }
                upstream: a
                filters:
                  - { type: script, file: config.js, timeout: 1s, config: { s: text, n: 5, flag: true, nested: { list: [x, y], deep: { k: v } } } }
              - { id: upstream, match: { path: /up/** }, upstream: a, filters: [ { type: script, file: upstream.js, timeout: 1s } ] }
              - id: consumer
                match: { path: /consumer/** }
                upstream: a
                filters:
                  - { type: script, file: consumer-read.js, timeout: 1s }
                  - { type: script, file: auth.js, timeout: 1s }
              - id: attributes
                match: { path: /attr/** }
                upstream: a
                filters:
                  - { type: script, file: attr-get.js, timeout: 1s }
                  - { type: script, file: attr-set.js, timeout: 1s }
              - { id: log, match: { path: /log/** }, upstream: a, filters: [ { type: script, file: log.js, timeout: 1s } ] }
              - { id: span, match: { path: /span/** }, upstream: a, filters: [ { type: script, file: span.js, timeout: 1s } ] }
              - { id: rid, match: { path: /rid/** }, upstream: a, filters: [ { type: script, file: rid.js, timeout: 1s } ] }
              - { id: status, match: { path: /status/** }, upstream: a, filters: [ { type: script, file: status.js, timeout: 1s, config: { status: 299 } } ] }
              - { id: res-headers, match: { path: /resh/** }, upstream: a, filters: [ { type: script, file: res-headers.js, timeout: 1s } ] }
              - { id: res-text, match: { path: /rest/** }, upstream: a, filters: [ { type: script, file: res-text.js, timeout: 1s } ] }
              - { id: res-json, match: { path: /resj/** }, upstream: a, filters: [ { type: script, file: res-json.js, timeout: 1s } ] }
              - { id: body-string, match: { path: /resb-s/** }, upstream: a, filters: [ { type: script, file: res-body.js, timeout: 1s, config: { kind: string } } ] }
              - { id: body-object, match: { path: /resb-o/** }, upstream: a, filters: [ { type: script, file: res-body.js, timeout: 1s, config: { kind: object } } ] }
              - { id: body-typed, match: { path: /resb-t/** }, upstream: a, filters: [ { type: script, file: res-body.js, timeout: 1s, config: { kind: typed } } ] }
              - { id: body-null, match: { path: /resb-n/** }, upstream: a, filters: [ { type: script, file: res-body.js, timeout: 1s, config: { kind: "null" } } ] }
              - { id: async, match: { path: /async/** }, upstream: a, filters: [ { type: script, file: async.js, timeout: 1s } ] }
              - { id: throw-response, match: { path: /throw/** }, upstream: a, filters: [ { type: script, file: throw-response.js, timeout: 1s } ] }
            """;

    static ScriptedGateway gw;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        gw = ScriptedGateway.start(dir, SCRIPTS, ROUTES, "max-body-size: 1KB");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    // ---- req

    @Test
    void reqMethod() throws Exception {
        assertThat(gw.get("/m/x").body()).startsWith("a GET /m/x\n").contains("\nx-method: GET\n");
        assertThat(send("POST", "/m/x", "{}").body()).startsWith("a POST /m/x\n").contains("\nx-method: POST\n");
        assertThat(send("DELETE", "/m/x", "").body()).contains("\nx-method: DELETE\n");
    }

    @Test
    void reqPathReadAndAssigned() throws Exception {
        HttpResponse<String> r = gw.get("/path/a/b?q=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("a GET /rewritten/path/a/b?q=1\n")
                .contains("\nx-path-before: /path/a/b\n")
                .contains("\nx-path-after: /rewritten/path/a/b\n")
                .contains("\nx-path-bad: TypeError\n");
    }

    @Test
    void reqQueryMembers() throws Exception {
        HttpResponse<String> r = gw.get("/q/x?a=1&a=two%20words&d=gone&flag&sp=a+b");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.body();
        assertThat(body).contains("\nx-q-get: 1\n").contains("\nx-q-get-missing: null\n")
                .contains("\nx-q-get-flag: \"\"\n")
                .contains("\nx-q-getall: [\"1\",\"two words\"]\n").contains("\nx-q-getall-missing: 0\n")
                .contains("\nx-q-has: true,true,false,false\n")
                .contains("\nx-q-names: a,d,flag,sp\n");
        assertThat(body).contains("\nx-q-after: ");
        String rawQuery = body.lines().findFirst().orElseThrow().replaceFirst("^a GET /q/x\\?", "");
        assertThat(decode(rawQuery)).containsExactlyInAnyOrder(
                "a=1", "a=two words", "a=3", "flag=", "sp=replaced", "s=x y&z", "n=true");
        assertThat(rawQuery).doesNotContain("gone");
    }

    @Test
    void reqParamsAndCtxRoute() throws Exception {
        HttpResponse<String> r = gw.get("/p/hello%20world");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("a GET /p/hello%20world\n")
                .contains("\nx-param: hello world\n").contains("\nx-param-keys: id\n")
                .contains("\nx-route-id: params\n").contains("\nx-route-param: hello world\n")
                .contains("\nx-param-ro: TypeError\n");
    }

    @Test
    void reqHeadersMembers() throws Exception {
        HttpResponse<String> r = gw.get("/hd/x", "X-One", "1", "X-Multi", "a", "X-Multi", "b", "X-Del", "d");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\nx-h-get: 1\n").contains("\nx-h-get-missing: null\n")
                .contains("\nx-h-getall: a|b\n").contains("\nx-h-getall-missing: 0\n")
                .contains("\nx-h-has: true,true,false\n")
                .contains("\nx-h-names: X-Del,X-Multi,X-One\n") // each name once, as the client spelled it
                .contains("\nx-multi: a\nx-multi: b\nx-multi: c\n")
                .doesNotContain("x-del:")
                .contains("\nx-num: 42\n").contains("\nx-bool: false\n")
                .contains("\nx-h-crlf: refused\n").doesNotContain("x-injected").doesNotContain("x-bad");
    }

    @Test
    void reqClientIp() throws Exception {
        assertThat(gw.get("/ip/x").body()).contains("\nx-client-ip: 127.0.0.1\n");
    }

    @Test
    void reqTextAndJsonReadThePostBodyWhichStillReachesTheUpstream() throws Exception {
        String json = "{\"name\":\"Zoe\",\"n\":41,\"list\":[true,\"second\"]}";
        HttpResponse<String> r = send("POST", "/body/x", json, "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("a POST /body/x\n")
                .contains("\nx-text-length: " + json.length() + "\n")
                .contains("\nx-json-name: Zoe\n").contains("\nx-json-n: number:42\n").contains("\nx-json-list: 2:second\n")
                .endsWith("\n\n" + json);
    }

    @Test
    void reqJsonOfMalformedBodyThrowsSyntaxError() throws Exception {
        HttpResponse<String> r = send("POST", "/body/x", "{\"name\":", "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).isEqualTo("{\"error\":\"SyntaxError\",\"isSyntaxError\":true}");
    }

    @Test
    void reqBodyOverMaxBodySizeIs413() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\",\"n\":1,\"list\":[1,2]}";
        HttpResponse<String> sized = send("POST", "/body/x", big, "Content-Type", "application/json");
        assertThat(sized.statusCode()).isEqualTo(413);
        assertThat(sized.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(sized.body()).contains("\"status\":413").doesNotContain("xxxx");
        // chunked: no Content-Length, so only reading the body finds out
        HttpRequest chunked = HttpRequest.newBuilder(gw.uri("/body/x")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build();
        HttpResponse<String> r = gw.send(chunked);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"status\":413").doesNotContain("xxxx");
        assertThat(gw.get("/body/x").statusCode()).as("still serving").isIn(200, 422);
    }

    // ---- ctx.respond

    @Test
    void ctxRespondWithAStringBodyAndHeaders() throws Exception {
        HttpResponse<String> r = gw.get("/respond/x?kind=text");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("hello ✓");
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(r.headers().allValues("X-A")).containsExactly("1", "2");
        assertThat(r.headers().allValues("X-N")).containsExactly("7");
        assertThat(r.headers().firstValue("Content-Length"))
                .contains(String.valueOf("hello ✓".getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void ctxRespondWithAnObjectBody() throws Exception {
        HttpResponse<String> r = gw.get("/respond/x?kind=object");
        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body()).isEqualTo("{\"ok\":true,\"list\":[1,\"x\"],\"nested\":{\"n\":null}}");
    }

    @Test
    void ctxRespondWithoutBodyBadStatusAndTwice() throws Exception {
        HttpResponse<String> empty = gw.get("/respond/x?kind=empty");
        assertThat(empty.statusCode()).isEqualTo(204);
        assertThat(empty.body()).isEmpty();
        HttpResponse<String> range = gw.get("/respond/x?kind=range");
        assertThat(range.statusCode()).isEqualTo(200);
        assertThat(range.body()).isEqualTo("RangeError");
        HttpResponse<String> twice = gw.get("/respond/x?kind=twice");
        assertThat(twice.statusCode()).isEqualTo(200);
        assertThat(twice.body()).isEqualTo("first");
        assertThat(twice.headers().firstValue("x-second")).contains("TypeError");
        assertThat(gw.get("/respond/x").body()).as("no respond: proceeds").startsWith("a GET /respond/x\n");
    }

    // ---- ctx.config, ctx.upstream

    @Test
    void ctxConfigNestedAndReadOnly() throws Exception {
        HttpResponse<String> r = gw.get("/config/x");
        assertThat(r.body()).contains("\nx-c: text|6|true|y|2|v|true\n")
                .contains("\nx-c-keys: s,n,flag,nested\n")
                .contains("\nx-c-ro: TypeError:text\n");
    }

    @Test
    void ctxUpstreamReadAndRetargeted() throws Exception {
        HttpResponse<String> same = gw.get("/up/x");
        assertThat(same.body()).startsWith("a GET /up/x\n").contains("\nx-up-before: a\n").contains("\nx-up-after: a\n");
        HttpResponse<String> moved = gw.get("/up/x?to=b");
        assertThat(moved.body()).startsWith("b GET /up/x?to=b\n").contains("\nx-up-before: a\n")
                .contains("\nx-up-after: b\n");
    }

    @Test
    void ctxUpstreamUnknownNameIs500AndTheGatewayKeepsServing() throws Exception {
        HttpResponse<String> r = gw.get("/up/x?to=nowhere");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.body()).contains("urn:portico:problem:filter-error").doesNotContain("nowhere")
                .doesNotContain("upstream.js");
        assertThat(gw.get("/up/x?to=b").body()).startsWith("b ");
        assertThat(gw.get("/up/x").body()).startsWith("a ");
    }

    // ---- ctx.consumer, ctx.attributes

    @Test
    void ctxConsumerSetInAuthenticateAndReadInTransform() throws Exception {
        HttpResponse<String> r = gw.get("/consumer/x", "X-Test-Consumer", "ann");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\nx-consumer: ann|ops+staff|acme|4|r1|false\n")
                .contains("\nx-consumer-ro: TypeError:ann\n");
        assertThat(r.headers().firstValue("x-consumer-in-response")).contains("ann");
        assertThat(r.headers().firstValue("x-consumer-late")).contains("TypeError");
        HttpResponse<String> anon = gw.get("/consumer/x");
        assertThat(anon.body()).contains("\nx-consumer: none\n");
        assertThat(anon.headers().firstValue("x-consumer-in-response")).contains("none");
    }

    @Test
    void ctxAttributesSharedBetweenScripts() throws Exception {
        HttpResponse<String> r = gw.get("/attr/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\nx-attr: gold|4|x|true|false|true\n")
                .contains("\nx-attr-keys: count,obj,tier\n")
                .contains("\nx-attr-ro: TypeError\n");
        assertThat(r.headers().firstValue("x-attr-in-response")).contains("gold");
    }

    // ---- ctx.log, ctx.span, ctx.requestId

    @Test
    void ctxLogWritesLabelledLinesToTheFilterLogger() throws Exception {
        Logger logger = Logger.getLogger("portico.filter.script");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().startsWith("script log.js@")) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        h.setLevel(Level.ALL);
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addHandler(h);
        try {
            HttpResponse<String> r = gw.get("/log/x");
            assertThat(r.statusCode()).isEqualTo(200);
            String rid = r.headers().firstValue("X-Request-Id").orElseThrow();
            String label = gw.library().slots().stream().filter(s -> s.name().equals("log.js")).findFirst()
                    .orElseThrow().current().toString();
            assertThat(label).matches("log\\.js@[0-9a-f]{12}");
            List<LogRecord> mine = new ArrayList<>(records.stream().filter(x -> x.getMessage().contains(rid)).toList());
            assertThat(mine).extracting(LogRecord::getLevel).containsExactly(Level.INFO, Level.WARNING, Level.SEVERE);
            assertThat(mine).extracting(LogRecord::getMessage).containsExactly(
                    "script " + label + " request " + rid + ": info line 42 true",
                    "script " + label + " request " + rid + ": warn line",
                    "script " + label + " request " + rid + ": error line\\nsecond line");
        } finally {
            logger.removeHandler(h);
            logger.setLevel(before);
        }
    }

    @Test
    void ctxSpanCallsDoNotFail() throws Exception {
        HttpResponse<String> r = gw.get("/span/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\nx-span: ok\n");
    }

    @Test
    void ctxRequestIdIsTheXRequestIdHeader() throws Exception {
        HttpResponse<String> r = gw.get("/rid/x");
        String rid = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(rid).isNotBlank();
        assertThat(r.body()).contains("\nx-rid: " + rid + "\n");
        assertThat(r.headers().firstValue("x-rid-seen")).contains(rid);
    }

    // ---- res

    @Test
    void resStatusReadAndAssigned() throws Exception {
        HttpResponse<String> r = gw.get("/status/x");
        assertThat(r.statusCode()).isEqualTo(299);
        assertThat(r.headers().firstValue("x-status-seen")).contains("200");
        assertThat(r.headers().firstValue("x-status-bad")).contains("RangeError");
        assertThat(r.headers().firstValue("x-status-now")).contains("299");
        assertThat(r.body()).startsWith("a GET /status/x\n");
    }

    @Test
    void resHeadersMembers() throws Exception {
        HttpResponse<String> r = gw.get("/resh/x", "X-Echo-Set-Header", "X-Up-Multi: m1",
                "X-Echo-Set-Header", "X-Up-Multi: m2", "X-Echo-Set-Header", "X-Up-Del: gone");
        assertThat(r.statusCode()).isEqualTo(200);
        var h = r.headers();
        assertThat(h.firstValue("x-r-get")).contains("text/plain");
        assertThat(h.firstValue("x-r-get-missing")).contains("null");
        assertThat(h.firstValue("x-r-getall")).contains("m1|m2");
        assertThat(h.firstValue("x-r-has")).contains("true,false");
        assertThat(h.firstValue("x-r-names")).contains("x-up-del,x-up-multi");
        assertThat(h.allValues("X-Up-Multi")).containsExactly("m1", "m2", "m3");
        assertThat(h.allValues("X-Up-Del")).isEmpty();
        assertThat(h.allValues("X-Added")).containsExactly("1");
    }

    @Test
    void resTextReadsTheUpstreamBody() throws Exception {
        HttpResponse<String> r = gw.get("/rest/x");
        assertThat(r.headers().firstValue("x-res-first-line")).contains("a GET /rest/x");
        assertThat(r.headers().firstValue("x-res-again")).contains("true");
        assertThat(r.body()).startsWith("a GET /rest/x\n");
    }

    @Test
    void resJsonParsesTheUpstreamBody() throws Exception {
        HttpResponse<String> r = gw.get("/resj/x.json");
        assertThat(r.headers().firstValue("x-res-json")).contains("ann|4111|user+password+card");
        assertThat(r.body()).isEqualTo("{\"user\":\"ann\",\"password\":\"secret\",\"card\":{\"number\":\"4111\"}}");
    }

    @Test
    void resBodyAssignedAStringKeepsTheContentType() throws Exception {
        HttpResponse<String> r = gw.get("/resb-s/x");
        assertThat(r.body()).isEqualTo("replaced ✓");
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain");
        assertThat(r.headers().firstValue("Content-Length"))
                .contains(String.valueOf("replaced ✓".getBytes(StandardCharsets.UTF_8).length));
        assertThat(r.headers().firstValue("x-body-read")).contains("undefined");
    }

    @Test
    void resBodyAssignedAnObjectIsJson() throws Exception {
        HttpResponse<String> r = gw.get("/resb-o/x");
        assertThat(r.body()).isEqualTo("{\"a\":[1,2],\"s\":\"é\",\"n\":null}");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.headers().firstValue("Content-Length"))
                .contains(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length));
        HttpResponse<String> typed = gw.get("/resb-t/x");
        assertThat(typed.body()).isEqualTo("{\"a\":1}");
        assertThat(typed.headers().firstValue("Content-Type")).contains("application/vnd.x+json");
        HttpResponse<String> empty = gw.get("/resb-n/x");
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
    }

    // ---- async and failures

    @Test
    void anAsyncOnRequestAwaitsThenResponds() throws Exception {
        HttpResponse<String> r = send("POST", "/async/x", "payload", "Content-Type", "text/plain");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"awaited\":\"resolved\",\"body\":\"payload\"}");
    }

    @Test
    void aThrowInOnResponseIs500WithoutTheMessage() throws Exception {
        HttpResponse<String> r = gw.get("/throw/x");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.body()).contains("urn:portico:problem:filter-error")
                .doesNotContain("secret").doesNotContain("10.1.2.3").doesNotContain("throw-response")
                .doesNotContain("a GET /throw/x");
        assertThat(gw.get("/throw/x.json").statusCode()).as("same script, no throw").isEqualTo(200);
    }

    private static List<String> decode(String rawQuery) {
        List<String> out = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.add(URLDecoder.decode(k, StandardCharsets.UTF_8) + "=" + URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
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
