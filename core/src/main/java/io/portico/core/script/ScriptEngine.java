package io.portico.core.script;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The JavaScript runtime for script filters and merge scripts: one shared GraalVM {@link Engine} (so parsed and compiled code
 * is shared by every context of every script), the {@link Watchdog} that enforces time budgets, and the
 * sandbox every context is created with.
 *
 * <p>{@link #compile} is meant for start-up and the file watcher, never the request path: it reads the
 * file, evaluates the module in a fresh context and validates the default export (that context becomes the
 * first pooled one). Compile errors are returned as {@link ScriptError}s, not thrown.
 *
 * <p>Sandbox: no host access except the bindings (members annotated {@link HostAccess.Export}, and the
 * {@code ProxyObject}/{@code ProxyExecutable} views of {@link JsView}); no host class lookup or loading,
 * file system, network, threads, processes, environment, native or polyglot access; {@code load},
 * {@code print}, the {@code Polyglot} and {@code Graal} globals are off and the Java package globals
 * ({@code java}, {@code javax}, …) are deleted; {@code console} output is discarded. The JS heap of a
 * context cannot be bounded in the community edition: see {@link HeapGuard} for what bounds it instead.
 *
 * <p>Thread-safe. {@link #close()} cancels anything still running and closes every context.
 */
public final class ScriptEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScriptEngine.class.getName());
    static final String MODULE_MIME = "application/javascript+module";

    private final Engine engine;
    private final Watchdog watchdog = new Watchdog();
    private final ScriptOptions defaults;

    /** An engine whose versions use {@link ScriptOptions#defaults()} unless told otherwise. */
    public ScriptEngine() {
        this(ScriptOptions.defaults());
    }

    /** An engine whose {@link #compile(Path)} uses {@code defaults}. */
    public ScriptEngine(ScriptOptions defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.engine = buildEngine();
        long t0 = System.nanoTime();
        warmUp();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String impl = engine.getImplementationName();
        if ("Interpreted".equals(impl)) {
            LOG.info("JavaScript engine: " + impl + ", warmed up in " + ms + " ms (no JVMCI compiler: scripts "
                    + "run in the interpreter; see docs/architecture.md, Scripts)");
        } else {
            LOG.info("JavaScript engine: " + impl + " (optimizing), warmed up in " + ms + " ms");
        }
    }

    /**
     * Pays the one-time costs outside any time budget: the first context of an engine initializes the JS
     * realm, and the first call with each binding class introspects it (together over a second on a busy
     * 2-core machine, which would otherwise fail the first script's evaluation or call).
     */
    private void warmUp() {
        // touches every binding member once, and the error paths: their first use loads and links a lot of classes
        Source warm = Source.newBuilder("js", """
                export default { phase: 'transform', async onRequest(req, ctx) {
                  const h = req.headers, q = req.query, a = ctx.attributes;
                  h.set('x-warm', h.get('x-warm') ?? req.method + req.path + req.clientIp);
                  h.add('x-warm', 1); h.has('x-warm'); h.getAll('x-warm'); h.names(); h.delete('x-warm');
                  q.set('b', q.get('a')); q.add('b', 2); q.has('b'); q.getAll('b'); q.names(); q.delete('b');
                  req.path = '/warm/' + req.params.id;
                  a.n = 1; a.o = { l: [1.5, true, 'x', null] }; a.o.l[0]; Object.keys(a); delete a.n;
                  Object.keys(req); Object.keys(ctx); Object.keys(ctx.route.params);
                  ctx.upstream = ctx.upstream; ctx.requestId; ctx.config.k;
                  ctx.consumer = { id: 'warm', groups: ['g'], claims: { t: 'x', n: 1 } };
                  ctx.consumer.claims.t; ctx.consumer.groups[0]; ctx.consumer.id;
                  ctx.log.info('warm', 1, {}); ctx.log.warn(); ctx.log.error('x');
                  ctx.span.setAttribute('k', 1); ctx.span.addEvent('e');
                  for (const f of [() => { ctx.config.k = 1; }, () => { req.path = 'x'; }, () => { req.method = 1; },
                      () => { h.set('x-warm', null); }, () => { ctx.upstream = 'nope'; }, () => { delete ctx.route; },
                      () => { ctx.respond(1); }, () => { h.set('x-warm', 'a\\nb'); }, () => JSON.parse('{')]) {
                    try { f(); } catch (e) { String(e.message); String(e.stack); }
                  }
                  await req.text(); await req.json();
                  ctx.respond(204, { a: 1 }, { 'x-a': ['1', '2'] });
                  return ctx.config.k;
                }, async onResponse(res, ctx) {
                  res.headers.set('x-warm', res.status); res.status = 201; res.body;
                  try { res.status = 1; } catch (e) { String(e.message); }
                  try { ctx.respond(204); } catch (e) { String(e.message); }
                  await res.text(); await res.json(); res.body = 'x'; res.body = { a: 1 }; res.body = null;
                } };
                """, "portico-warm-up.js").mimeType(MODULE_MIME).buildLiteral();
        Logger log = Logger.getLogger(ScriptEngine.class.getName() + ".warm-up");
        log.setUseParentHandlers(false);
        try (Context c = newContext()) {
            ModuleInstance m = ModuleInstance.load(c, warm);
            JsConfig config = new JsConfig(Map.of("k", "v"));
            WarmUpExchange ex = new WarmUpExchange();
            ProxyExecutable failed = args -> {
                LOG.warning("JavaScript engine warm-up failed: " + args[0]);
                return null;
            };
            m.onRequest.execute(new JsRequest(ex), new JsContext(ex, config, log, "portico-warm-up.js@0", true))
                    .invokeMember("then", (ProxyExecutable) args -> null, failed);
            m.onResponse.execute(new JsResponse(ex), new JsContext(ex, config, log, "portico-warm-up.js@0", false))
                    .invokeMember("then", (ProxyExecutable) args -> null, failed);
        } catch (ModuleInstance.InvalidModule | RuntimeException e) {
            LOG.log(Level.WARNING, "JavaScript engine warm-up failed", e);
        }
        warmUpMerge();
    }

    /** The merge wrapper's paths once: parsing, a plain-object and an async result, and a failing call. */
    private void warmUpMerge() {
        Source warm = Source.newBuilder("js", """
                export default { merge(parts, ctx) {
                  if (ctx.mode === 'async') return Promise.resolve([parts.a, Object.keys(parts)]);
                  if (ctx.mode === 'none') return undefined;
                  return { a: parts.a, route: ctx.route, n: parts.a.x.length };
                } };
                """, "portico-warm-up-merge.js").mimeType(MODULE_MIME).buildLiteral();
        String part = "{\"x\":[1,2.5,true,null,\"s\"],\"o\":{\"k\":\"v\"}}";
        try (Context c = newContext()) {
            ModuleInstance m = ModuleInstance.load(c, warm, ScriptKind.MERGE);
            m.merge.execute("{\"route\":\"warm\",\"errors\":[{\"part\":\"b\",\"status\":502,\"title\":\"x\"}]}",
                    "a", part, "b", null).asString();
            m.merge.execute("{\"mode\":\"async\",\"errors\":[]}", "a", part)
                    .invokeMember("then", (ProxyExecutable) args -> null, (ProxyExecutable) args -> null);
            try {
                m.merge.execute("{\"mode\":\"none\",\"errors\":[]}", "a", part);
            } catch (PolyglotException e) {
                e.getMessage();
                e.getPolyglotStackTrace().forEach(f -> f.getSourceLocation());
            }
        } catch (ModuleInstance.InvalidModule | RuntimeException e) {
            LOG.log(Level.WARNING, "JavaScript engine warm-up (merge) failed", e);
        }
    }

    private static Engine buildEngine() {
        try {
            // The interpreter warning goes to stderr once per engine; we log the implementation instead. The
            // virtual-thread warning is about tools that walk caller frames in write mode (debuggers,
            // instrumentation), which the sandbox does not enable; scripts run on request threads by design.
            // (That option is flagged experimental; allowing experimental options on the engine does not let
            // contexts or scripts set any: contexts are built without allowExperimentalOptions.)
            return Engine.newBuilder("js")
                    .allowExperimentalOptions(true)
                    .option("engine.WarnInterpreterOnly", "false")
                    .option("engine.WarnVirtualThreadSupport", "false")
                    .build();
        } catch (IllegalArgumentException e) {
            LOG.log(Level.FINE, "engine warning options not accepted", e);
            return Engine.newBuilder("js").build();
        }
    }

    /** {@code Interpreted} (fallback runtime) or the optimizing runtime's name, e.g. {@code GraalVM CE}. */
    public String implementationName() {
        return engine.getImplementationName();
    }

    /** {@link #compile(Path, ScriptOptions)} with this engine's default options. */
    public CompileResult compile(Path file) {
        return compile(file, defaults);
    }

    /**
     * Reads, evaluates and validates the ES module {@code file}. Blocks for the evaluation (bounded by
     * {@link ScriptOptions#initTimeout()}); never throws for a bad script.
     *
     * @return a ready {@link ScriptVersion} (the caller owns it and must close it when it is replaced), or a
     *         {@link ScriptError} with file, line and column where the engine gave one
     */
    public CompileResult compile(Path file, ScriptOptions options) {
        return compile(file, options, ScriptKind.FILTER);
    }

    /**
     * {@link #compile(Path, ScriptOptions)} as a {@code kind}: a {@link ScriptKind#MERGE} script's default
     * export must have a function {@code merge} (and needs no {@code phase} or {@code onRequest}).
     */
    public CompileResult compile(Path file, ScriptOptions options, ScriptKind kind) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new ScriptError(file, 0, 0, "cannot read: " + e);
        }
        return compile(file, bytes, options, kind);
    }

    /** {@link #compile(Path, ScriptOptions)} of content already read from {@code file}, with default options. */
    public CompileResult compile(Path file, byte[] bytes) {
        return compile(file, bytes, defaults);
    }

    /** {@link #compile(Path, ScriptOptions, ScriptKind)} of content already read, with default options. */
    public CompileResult compile(Path file, byte[] bytes, ScriptKind kind) {
        return compile(file, bytes, defaults, kind);
    }

    /** {@link #compile(Path, ScriptOptions)} of content already read from {@code file} (named so in errors). */
    public CompileResult compile(Path file, byte[] bytes, ScriptOptions options) {
        return compile(file, bytes, options, ScriptKind.FILTER);
    }

    /** {@link #compile(Path, ScriptOptions, ScriptKind)} of content already read from {@code file}. */
    public CompileResult compile(Path file, byte[] bytes, ScriptOptions options, ScriptKind kind) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(kind, "kind");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new ScriptError(file, 0, 0, "not UTF-8 text");
        }
        Source source = Source.newBuilder("js", text, file.getFileName().toString()).mimeType(MODULE_MIME)
                .buildLiteral();
        return ScriptVersion.create(this, file, sha256(bytes), source, options, kind);
    }

    Watchdog watchdog() {
        return watchdog;
    }

    /** The Java package globals GraalJS defines (useless without host class lookup, so removed as noise). */
    private static final Source NO_PACKAGE_GLOBALS = Source.create("js",
            "for (const n of ['java', 'javax', 'javafx', 'com', 'org', 'edu', 'net', 'Packages', 'JavaImporter'])"
                    + " { delete globalThis[n]; }");

    /** A new sandboxed context on the shared engine; the caller closes it. */
    Context newContext() {
        Context c = newBareContext();
        c.eval(NO_PACKAGE_GLOBALS);
        return c;
    }

    private Context newBareContext() {
        return Context.newBuilder("js")
                .engine(engine)
                .allowAllAccess(false)
                .allowHostAccess(HostAccess.EXPLICIT)
                .allowHostClassLookup(name -> false)
                .allowHostClassLoading(false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowInnerContextOptions(false)
                .in(InputStream.nullInputStream())
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("js.esm-eval-returns-exports", "true")
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.graal-builtin", "false")
                .build();
    }

    /** Cancels running invocations, closes every context of this engine and stops the watchdog. */
    @Override
    public void close() {
        watchdog.close();
        engine.close(true);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
