package io.portico.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merge scripts ({@code export default { merge(parts, ctx) }}) through a real {@link ScriptLibrary}: results,
 * promises, failed parts, {@code _portico.errors}, failures, time budget, validation, hot swap, and the kind
 * a file is used as. One library serves every test (each test uses its own files).
 */
class MergeScriptTest {
    /** What the gateway passes as {@code ctx} when every part answered. */
    static final String CTX = """
            {"route":"dashboard","requestId":"r-1","params":{"id":"7"},"query":{"full":"1"},"consumer":null,"errors":[]}""";
    /** The {@code ctx} of a request whose optional part {@code orders} failed. */
    static final String CTX_ERRORS = """
            {"route":"dashboard","requestId":"r-2","params":{},"query":{},"consumer":{"id":"ann"},\
            "errors":[{"part":"orders","status":502,"title":"Bad Gateway"}]}""";

    static final String DASHBOARD = """
            export default {
              merge(parts, ctx) {
                return { id: parts.user.id, name: parts.user.name, orders: (parts.orders ?? []).map(o => o.id),
                         route: ctx.route, full: ctx.query.full ?? null, keys: Object.keys(parts) };
              }
            };
            """;

    @TempDir
    static Path dir;
    static ScriptLibrary library;

    @BeforeAll
    static void start() {
        // functional calls get 1 s (a fresh script's first call in a cold JVM on a busy machine can take tens of ms)
        library = new ScriptLibrary(dir, () -> new ScriptEngine(ScriptOptions.defaults().withTimeout(Duration.ofSeconds(1))));
    }

    @AfterAll
    static void stop() {
        library.close();
    }

    static ScriptVersion merge(String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text);
        ScriptSlot slot = library.resolveMerge(file);
        assertThat(slot.lastError()).as("compile error").isNull();
        assertThat(slot.kind()).isEqualTo(ScriptKind.MERGE);
        ScriptVersion v = slot.current();
        assertThat(v.kind()).isEqualTo(ScriptKind.MERGE);
        return v;
    }

    static String ok(ScriptResult<String> r) {
        assertThat(r).isInstanceOf(ScriptResult.Ok.class);
        return ((ScriptResult.Ok<String>) r).value();
    }

    static ScriptResult.Failure<String> failure(ScriptResult<String> r, ScriptResult.Kind kind) {
        assertThat(r).isInstanceOf(ScriptResult.Failure.class);
        ScriptResult.Failure<String> f = (ScriptResult.Failure<String>) r;
        assertThat(f.kind()).as(f.detail()).isEqualTo(kind);
        return f;
    }

    @Test
    void theResultIsTheJsonOfWhatMergeReturns() throws IOException {
        ScriptVersion v = merge("dashboard.js", DASHBOARD);
        String out = ok(v.merge(new String[] {"user", "orders"},
                new String[] {"{\"id\":7,\"name\":\"Ann\",\"extra\":true}", "[{\"id\":\"o1\"},{\"id\":\"o2\"}]"}, CTX));
        assertThat(out).isEqualTo("{\"id\":7,\"name\":\"Ann\",\"orders\":[\"o1\",\"o2\"],\"route\":\"dashboard\","
                + "\"full\":\"1\",\"keys\":[\"user\",\"orders\"]}");
        assertThat(v.phase()).isNull();
        assertThat(v.hasOnResponse()).isFalse();
        assertThat(v.stats().invocations()).isEqualTo(1);
        // a string, a number and null are results too
        ScriptVersion scalar = merge("scalar.js", "export default { merge(parts) { return parts.a; } };");
        assertThat(ok(scalar.merge(new String[] {"a"}, new String[] {"\"t\\u00e9\""}, CTX))).isEqualTo("\"té\"");
        assertThat(ok(scalar.merge(new String[] {"a"}, new String[] {"2.5"}, CTX))).isEqualTo("2.5");
        assertThat(ok(scalar.merge(new String[] {"a"}, new String[] {"null"}, CTX))).isEqualTo("null");
    }

    @Test
    void thisIsTheExportObject() throws IOException {
        ScriptVersion v = merge("this.js", """
                export default {
                  label: 'from-this',
                  merge(parts) { return { label: this.label, n: this.count(parts) }; },
                  count(parts) { return Object.keys(parts).length; }
                };
                """);
        assertThat(ok(v.merge(new String[] {"a", "b"}, new String[] {"1", "2"}, CTX)))
                .isEqualTo("{\"label\":\"from-this\",\"n\":2}");
    }

    @Test
    void anAsyncMergeIsSettled() throws IOException {
        ScriptVersion v = merge("async.js", """
                export default {
                  async merge(parts, ctx) {
                    const user = await Promise.resolve(parts.user);
                    const orders = await new Promise(resolve => resolve(parts.orders));
                    return { name: user.name, count: orders.length, id: ctx.requestId };
                  }
                };
                """);
        assertThat(ok(v.merge(new String[] {"user", "orders"}, new String[] {"{\"name\":\"Ann\"}", "[1,2,3]"}, CTX)))
                .isEqualTo("{\"name\":\"Ann\",\"count\":3,\"id\":\"r-1\"}");
        // a rejection is a script error, like a throw
        ScriptVersion rejects = merge("rejects.js", """
                export default { async merge(parts) { await null; throw new RangeError('no orders today'); } };
                """);
        ScriptResult.Failure<String> f = failure(rejects.merge(new String[0], new String[0], CTX),
                ScriptResult.Kind.SCRIPT_ERROR);
        assertThat(f.detail()).contains(rejects.toString()).contains("RangeError").contains("no orders today");
    }

    @Test
    void aFailedPartIsLeftOutOfParts() throws IOException {
        ScriptVersion v = merge("keys.js", """
                export default { merge(parts) { return { keys: Object.keys(parts), has: 'orders' in parts, user: parts.user }; } };
                """);
        assertThat(ok(v.merge(new String[] {"user", "orders"}, new String[] {"{\"id\":1}", null}, CTX)))
                .isEqualTo("{\"keys\":[\"user\"],\"has\":false,\"user\":{\"id\":1}}");
        // a part named like an Object.prototype member is an own property, not the prototype
        assertThat(ok(v.merge(new String[] {"__proto__"}, new String[] {"{\"x\":1}"}, CTX)))
                .isEqualTo("{\"keys\":[\"__proto__\"],\"has\":false}");
    }

    @Test
    void errorsOfFailedPartsAreAddedToAnObjectResult() throws IOException {
        ScriptVersion v = merge("errors.js", """
                export default { merge(parts, ctx) {
                  if (ctx.query.shape === 'array') return [parts.user];
                  if (ctx.query.shape === 'own') return { user: parts.user, _portico: { note: 'kept', errors: 'replaced' } };
                  return { user: parts.user, seen: ctx.errors.length };
                } };
                """);
        String[] names = {"user", "orders"};
        String[] bodies = {"{\"id\":1}", null};
        assertThat(ok(v.merge(names, bodies, CTX_ERRORS))).isEqualTo("{\"user\":{\"id\":1},\"seen\":1,"
                + "\"_portico\":{\"errors\":[{\"part\":\"orders\",\"status\":502,\"title\":\"Bad Gateway\"}]}}");
        assertThat(ok(v.merge(names, bodies, CTX_ERRORS.replace("\"query\":{}", "\"query\":{\"shape\":\"own\"}"))))
                .isEqualTo("{\"user\":{\"id\":1},\"_portico\":{\"note\":\"kept\","
                        + "\"errors\":[{\"part\":\"orders\",\"status\":502,\"title\":\"Bad Gateway\"}]}}");
        assertThat(ok(v.merge(names, bodies, CTX_ERRORS.replace("\"query\":{}", "\"query\":{\"shape\":\"array\"}"))))
                .as("an array result is left alone").isEqualTo("[{\"id\":1}]");
        assertThat(ok(v.merge(names, new String[] {"{\"id\":1}", "[]"}, CTX)))
                .as("no errors: no _portico").isEqualTo("{\"user\":{\"id\":1},\"seen\":0}");
    }

    @Test
    void aThrowUndefinedOrAnUnserializableResultIsAScriptErrorNamingTheScript() throws IOException {
        ScriptVersion v = merge("faulty.js", """
                export default { merge(parts, ctx) {
                  switch (ctx.query.mode) {
                    case 'throw': throw new Error('user part is malformed');
                    case 'undefined': return undefined;
                    case 'cycle': { const o = { a: 1 }; o.self = o; return o; }
                    case 'bigint': return { n: 10n };
                    default: return { fine: true };
                  }
                } };
                """);
        String label = v.toString();
        assertThat(label).matches("faulty\\.js@[0-9a-f]{12}");

        ScriptResult.Failure<String> thrown = failure(v.merge(new String[0], new String[0], mode("throw")),
                ScriptResult.Kind.SCRIPT_ERROR);
        assertThat(thrown.detail()).startsWith(label + " merge: ").contains("user part is malformed")
                .contains("(faulty.js:3:");
        ScriptResult.Failure<String> undef = failure(v.merge(new String[0], new String[0], mode("undefined")),
                ScriptResult.Kind.SCRIPT_ERROR);
        assertThat(undef.detail()).startsWith(label + " merge: ").contains("merge returned undefined")
                .doesNotContain("<portico merge>");
        ScriptResult.Failure<String> cycle = failure(v.merge(new String[0], new String[0], mode("cycle")),
                ScriptResult.Kind.SCRIPT_ERROR);
        assertThat(cycle.detail()).startsWith(label + " merge: ").containsIgnoringCase("TypeError")
                .containsIgnoringCase("circular");
        ScriptResult.Failure<String> bigint = failure(v.merge(new String[0], new String[0], mode("bigint")),
                ScriptResult.Kind.SCRIPT_ERROR);
        assertThat(bigint.detail()).startsWith(label + " merge: ").containsIgnoringCase("BigInt");
        // the version keeps working, and counts the failures
        assertThat(ok(v.merge(new String[0], new String[0], CTX))).isEqualTo("{\"fine\":true}");
        assertThat(v.stats().errors()).isEqualTo(4);
    }

    @Test
    void aFunctionResultIsAScriptError() throws IOException {
        ScriptVersion v = merge("fn.js", "export default { merge() { return () => 1; } };");
        assertThat(failure(v.merge(new String[0], new String[0], CTX), ScriptResult.Kind.SCRIPT_ERROR).detail())
                .startsWith(v + " merge: ").contains("JSON cannot represent");
    }

    static String mode(String mode) {
        return CTX.replace("\"query\":{\"full\":\"1\"}", "\"query\":{\"mode\":\"" + mode + "\"}");
    }

    @Test
    void anEndlessMergeTimesOutAndTheNextCallWorks() throws IOException {
        ScriptVersion v = merge("spin.js", """
                export default { merge(parts, ctx) { if (ctx.query.spin) { while (true) {} } return { ok: 1 }; } };
                """);
        long discarded = v.contextsDiscarded();
        long t0 = System.nanoTime();
        ScriptResult.Failure<String> f = failure(v.merge(new String[0], new String[0],
                CTX.replace("\"full\"", "\"spin\""), Duration.ofMillis(100)), ScriptResult.Kind.TIMEOUT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(f.detail()).isEqualTo(v + " merge exceeded its time budget of 100 ms");
        assertThat(ms).as("cancelled near its budget").isLessThan(5_000);
        assertThat(v.contextsDiscarded()).isEqualTo(discarded + 1);
        assertThat(v.stats().timeouts()).isEqualTo(1);
        assertThat(ok(v.merge(new String[0], new String[0], CTX))).isEqualTo("{\"ok\":1}");
    }

    @Test
    void aModuleWithoutMergeDoesNotCompile() throws IOException {
        Files.writeString(dir.resolve("no-merge.js"), "export default { phase: 'transform', onRequest() {} };");
        ScriptSlot slot = library.resolveMerge("no-merge.js");
        assertThat(slot.current()).isNull();
        assertThat(slot.state()).isEqualTo(ScriptSlot.State.FAILED);
        assertThat(slot.lastError().message())
                .isEqualTo("default export: 'merge' must be a function (merge(parts, ctx) returns the response body) (missing)");
        assertThat(slot.lastError().file()).isEqualTo(dir.resolve("no-merge.js"));

        Files.writeString(dir.resolve("merge-string.js"), "export default { merge: 'nope' };");
        assertThat(library.resolveMerge("merge-string.js").lastError().message())
                .endsWith("must be a function (merge(parts, ctx) returns the response body), got a string");
        Files.writeString(dir.resolve("no-default.js"), "export const merge = () => ({});");
        assertThat(library.resolveMerge("no-default.js").lastError().message())
                .contains("no default export object").contains("merge(parts, ctx)");
        Files.writeString(dir.resolve("syntax.js"), "export default {\n  merge(parts) { return { ; }\n};\n");
        ScriptError syntax = library.resolveMerge("syntax.js").lastError();
        assertThat(syntax.line()).isEqualTo(2);
        assertThat(syntax.column()).isGreaterThan(0);
        assertThat(library.resolveMerge("missing.js").state()).isEqualTo(ScriptSlot.State.MISSING);
    }

    @Test
    void anEditIsPickedUpByRescanAndABadEditKeepsThePreviousVersion() throws IOException {
        ScriptVersion v1 = merge("swap.js", "export default { merge() { return { v: 1 }; } };");
        ScriptSlot slot = library.resolveMerge("swap.js");
        assertThat(ok(v1.merge(new String[0], new String[0], CTX))).isEqualTo("{\"v\":1}");

        Files.writeString(dir.resolve("swap.js"), "export default { merge() { return { v: 2 }; } };");
        library.rescan();
        ScriptVersion v2 = slot.current();
        assertThat(v2).isNotSameAs(v1);
        assertThat(v2.kind()).isEqualTo(ScriptKind.MERGE);
        assertThat(ok(v2.merge(new String[0], new String[0], CTX))).isEqualTo("{\"v\":2}");
        assertThat(v1.merge(new String[0], new String[0], CTX)).as("the replaced version is closed")
                .isInstanceOf(ScriptResult.Failure.class);

        Files.writeString(dir.resolve("swap.js"), "export default { phase: 'transform', onRequest() {} };");
        library.rescan();
        assertThat(slot.state()).isEqualTo(ScriptSlot.State.FAILED);
        assertThat(slot.lastError().message()).contains("'merge' must be a function");
        assertThat(slot.current()).isSameAs(v2);
        assertThat(ok(slot.current().merge(new String[0], new String[0], CTX))).isEqualTo("{\"v\":2}");

        Files.delete(dir.resolve("swap.js"));
        library.rescan();
        assertThat(slot.state()).isEqualTo(ScriptSlot.State.MISSING);
        assertThat(slot.current()).isNull();
        Files.writeString(dir.resolve("swap.js"), "export default { merge() { return { v: 3 }; } };");
        library.rescan();
        assertThat(ok(slot.current().merge(new String[0], new String[0], CTX))).isEqualTo("{\"v\":3}");
    }

    @Test
    void aFileIsEitherAFilterOrAMergeScript() throws IOException {
        Files.writeString(dir.resolve("both.js"), "export default { phase: 'transform', onRequest() {}, merge() { return {}; } };");
        ScriptSlot filter = library.resolve("both.js");
        assertThat(filter.kind()).isEqualTo(ScriptKind.FILTER);
        assertThatThrownBy(() -> library.resolveMerge("both.js")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script 'both.js' is used both as a filter and as a merge script");
        assertThatThrownBy(() -> library.resolveMerge("./both.js")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script 'both.js' is used both as a filter and as a merge script");

        Files.writeString(dir.resolve("both2.js"), "export default { phase: 'transform', onRequest() {}, merge() { return {}; } };");
        assertThat(library.resolveMerge("both2.js").kind()).isEqualTo(ScriptKind.MERGE);
        assertThatThrownBy(() -> library.resolve("both2.js")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script 'both2.js' is used both as a filter and as a merge script");
        assertThat(library.resolveMerge("both2.js")).as("the same kind again is the same slot")
                .isSameAs(library.resolveMerge("both2.js"));
    }

    @Test
    void aFilterStillLoadsAsAFilterAndTheKindsDoNotCrossCall() throws IOException {
        Files.writeString(dir.resolve("filter.js"), """
                export default { phase: 'authorize', onRequest() { return 'filtered'; }, onResponse() {} };
                """);
        ScriptSlot slot = library.resolve("filter.js");
        ScriptVersion f = slot.current();
        assertThat(f.kind()).isEqualTo(ScriptKind.FILTER);
        assertThat(slot.kind()).isEqualTo(ScriptKind.FILTER);
        assertThat(f.phase()).isEqualTo(io.portico.api.Phase.AUTHORIZE);
        assertThat(f.hasOnResponse()).isTrue();
        assertThat(f.invoke(ScriptVersion.Hook.ON_REQUEST, val -> val.asString()))
                .isEqualTo(new ScriptResult.Ok<>("filtered"));
        assertThat(failure(f.merge(new String[0], new String[0], CTX), ScriptResult.Kind.INTERNAL).detail())
                .isEqualTo(f + " is a filter, not a merge script");

        Files.writeString(dir.resolve("filter-missing-merge.js"), "export default { merge() { return 1; } };");
        assertThat(library.resolve("filter-missing-merge.js").lastError().message())
                .as("validated as a filter").contains("'phase' must be one of");

        ScriptVersion m = merge("not-a-filter.js", "export default { merge() { return 1; } };");
        ScriptResult<Void> r = m.invoke(ScriptVersion.Hook.ON_REQUEST);
        assertThat(r).isInstanceOf(ScriptResult.Failure.class);
        assertThat(((ScriptResult.Failure<Void>) r).kind()).isEqualTo(ScriptResult.Kind.INTERNAL);
        assertThat(((ScriptResult.Failure<Void>) r).detail()).isEqualTo(m + " is a merge script, not a filter");
    }

    @Test
    void theExampleMergesAUserAndTheirOrders() throws IOException {
        String text = io.portico.core.testing.ScriptedGateway.repoScript("merge-dashboard.js");
        assertThat(text).startsWith("/** @type {import('./types/portico').MergeScript} */\n").contains("export default");
        ScriptVersion v = merge("merge-dashboard.js", text);
        String user = "{\"id\":7,\"name\":\"Ann\",\"email\":\"ann@example.com\"}";
        String orders = "[{\"id\":\"o1\",\"status\":\"shipped\",\"total\":12.5,\"lines\":[1,2]},"
                + "{\"id\":\"o2\",\"status\":\"open\",\"total\":3}]";
        assertThat(ok(v.merge(new String[] {"user", "orders"}, new String[] {user, orders}, CTX)))
                .isEqualTo("{\"id\":7,\"name\":\"Ann\",\"orders\":[{\"id\":\"o1\",\"status\":\"shipped\","
                        + "\"total\":12.5},{\"id\":\"o2\",\"status\":\"open\",\"total\":3}]}");
        assertThat(ok(v.merge(new String[] {"user", "orders"}, new String[] {user, "{\"items\":[{\"id\":\"o3\"}]}"}, CTX)))
                .isEqualTo("{\"id\":7,\"name\":\"Ann\",\"orders\":[{\"id\":\"o3\"}]}");
        assertThat(ok(v.merge(new String[] {"user", "orders"}, new String[] {user, null}, CTX_ERRORS)))
                .as("the optional orders part failed").isEqualTo("{\"id\":7,\"name\":\"Ann\",\"orders\":[],"
                        + "\"_portico\":{\"errors\":[{\"part\":\"orders\",\"status\":502,\"title\":\"Bad Gateway\"}]}}");
    }

    @Test
    void namesAndBodiesMustPair() throws IOException {
        ScriptVersion v = merge("pair.js", "export default { merge() { return 1; } };");
        assertThatThrownBy(() -> v.merge(new String[] {"a"}, new String[0], CTX))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
