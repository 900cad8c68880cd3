package io.portico.core.script;

import io.portico.api.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;

/**
 * One compiled, validated version of a script file, identified by the SHA-256 of its bytes, with a bounded
 * pool of sandboxed contexts that each have the module evaluated. A version is a filter or a merge script
 * ({@link #kind()}): filters are called through {@link #invoke}, merge scripts through {@link #merge}.
 *
 * <p>Contexts are created lazily (the first by {@link ScriptEngine#compile}), at most
 * {@link ScriptOptions#poolSize()} alive, each used by one thread at a time. {@link #invoke} borrows one
 * (waiting at most {@link ScriptOptions#borrowWait()}), runs the hook under the {@link Watchdog} with
 * {@link ScriptOptions#timeout()}, and returns the context to the pool; after a timeout, a throw or an
 * engine error the context is discarded (module state may be inconsistent) and a replacement is prepared
 * in the background (or, if a call needs one first, created on that call).
 *
 * <p>Module-level state is per context, and there are several contexts: scripts must not keep state
 * between calls. Thread-safe; {@link #invoke} blocks the calling thread (meant for virtual threads).
 */
public final class ScriptVersion implements CompileResult, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScriptVersion.class.getName());

    /** Which exported function of a filter to call. */
    public enum Hook { ON_REQUEST, ON_RESPONSE }

    /** A function a call runs in a context: a filter hook or the merge wrapper. */
    private enum Entry {
        ON_REQUEST("onRequest"), ON_RESPONSE("onResponse"), MERGE("merge");

        final String jsName;

        Entry(String jsName) {
            this.jsName = jsName;
        }

        static Entry of(Hook hook) {
            return hook == Hook.ON_REQUEST ? ON_REQUEST : ON_RESPONSE;
        }

        Value function(ModuleInstance m) {
            return switch (this) {
                case ON_REQUEST -> m.onRequest;
                case ON_RESPONSE -> m.onResponse;
                case MERGE -> m.merge;
            };
        }
    }

    /** Converts the merge wrapper's result (always a JS string) while the context is held. */
    private static final Function<Value, String> AS_STRING = Value::asString;

    private final ScriptEngine engine;
    private final Path file;
    private final String sha256;
    private final String label;
    private final String spanName;
    private final Source source;
    private final ScriptOptions options;
    private final ScriptKind kind;
    private final Phase phase;
    private final boolean hasOnResponse;
    private final Semaphore permits;
    private final ArrayBlockingQueue<ModuleInstance> idle;
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final ScriptStats stats = new ScriptStats();
    private final java.util.concurrent.atomic.AtomicBoolean refilling = new java.util.concurrent.atomic.AtomicBoolean();
    /** Requests holding this version (see {@link #retain()}); -1 once closed by {@link #retire()}. */
    private final java.util.concurrent.atomic.AtomicInteger pins = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean retired;
    private volatile boolean closed;

    private ScriptVersion(ScriptEngine engine, Path file, String sha256, Source source, ScriptOptions options,
                          ModuleInstance first) {
        this.engine = engine;
        this.file = file;
        this.sha256 = sha256;
        this.label = file.getFileName() + "@" + sha256.substring(0, 12);
        this.spanName = "script:" + label;
        this.source = source;
        this.options = options;
        this.kind = first.kind;
        this.phase = first.phase;
        this.hasOnResponse = first.onResponse != null;
        this.permits = new Semaphore(options.poolSize(), true);
        this.idle = new ArrayBlockingQueue<>(options.poolSize());
        this.idle.add(first);
        this.created.set(1);
    }

    static CompileResult create(ScriptEngine engine, Path file, String sha256, Source source, ScriptOptions options,
                                ScriptKind kind) {
        ModuleInstance first;
        try {
            first = load(engine, source, options, kind);
        } catch (LoadFailure f) {
            return f.error(file);
        }
        ScriptVersion v = new ScriptVersion(engine, file, sha256, source, options, first);
        LOG.fine(() -> "compiled " + v);
        return v;
    }

    private static ModuleInstance load(ScriptEngine engine, Source source, ScriptOptions options, ScriptKind kind)
            throws LoadFailure {
        Context context;
        try {
            context = engine.newContext();
        } catch (RuntimeException e) {
            throw new LoadFailure(0, 0, "cannot create a script context: " + e, e, ScriptResult.Kind.INTERNAL);
        }
        Watchdog.Ticket ticket = engine.watchdog().arm(context, options.initTimeout());
        try {
            ModuleInstance m = ModuleInstance.load(context, source, kind);
            if (!ticket.disarm()) {
                throw LoadFailure.timeout(options);
            }
            return m;
        } catch (PolyglotException e) {
            boolean inTime = ticket.disarm();
            closeQuietly(context);
            if (!inTime || e.isCancelled()) {
                throw LoadFailure.timeout(options);
            }
            SourceSection at = location(e, source);
            throw new LoadFailure(at == null ? 0 : at.getStartLine(),
                    at == null || !at.hasColumns() ? 0 : at.getStartColumn(), e.getMessage(), e,
                    e.isInternalError() ? ScriptResult.Kind.INTERNAL : ScriptResult.Kind.SCRIPT_ERROR);
        } catch (ModuleInstance.InvalidModule e) {
            ticket.disarm();
            closeQuietly(context);
            throw new LoadFailure(0, 0, e.getMessage(), e, ScriptResult.Kind.SCRIPT_ERROR);
        } catch (RuntimeException e) {
            ticket.disarm();
            closeQuietly(context);
            throw new LoadFailure(0, 0, "internal error: " + e, e, ScriptResult.Kind.INTERNAL);
        }
    }

    /** {@link #invoke(Hook, Function, Object...)} ignoring the return value. */
    public ScriptResult<Void> invoke(Hook hook, Object... args) {
        return invoke(hook, v -> null, args);
    }

    /** {@link #invoke(Hook, Duration, Function, Object...)} with this version's {@link ScriptOptions#timeout()}. */
    public <T> ScriptResult<T> invoke(Hook hook, Function<Value, T> convert, Object... args) {
        return invoke(hook, options.timeout(), convert, args);
    }

    /**
     * Calls {@code onRequest} or {@code onResponse} with {@code args} (binding objects, see {@link JsRequest},
     * {@link JsContext}). {@code convert} runs on the return value while the context is still held and
     * within the budget; it must not keep the {@link Value}. Blocks up to {@code borrowWait} for a context,
     * plus module evaluation if one must be created, plus the call's time budget {@code timeout}. Never
     * throws for script faults. A version without {@code onResponse} answers {@code Ok(null)} for
     * {@link Hook#ON_RESPONSE} without running anything.
     *
     * <p>When the function returns a promise (an {@code async} hook), the result is what it settled to: the
     * engine runs the promise jobs before the call returns, and scripts have no timers or I/O, so a promise
     * still pending then never settles and fails the call ({@link ScriptResult.Kind#SCRIPT_ERROR}), as does a
     * rejection. Each call is recorded in {@link #stats()}. On a {@link ScriptKind#MERGE} version this runs
     * nothing and answers {@link ScriptResult.Kind#INTERNAL} (a caller bug).
     */
    public <T> ScriptResult<T> invoke(Hook hook, Duration timeout, Function<Value, T> convert, Object... args) {
        if (kind != ScriptKind.FILTER) {
            return new ScriptResult.Failure<>(ScriptResult.Kind.INTERNAL, this + " is a merge script, not a filter",
                    null);
        }
        if (hook == Hook.ON_RESPONSE && !hasOnResponse) {
            return new ScriptResult.Ok<>(null);
        }
        return run(Entry.of(hook), timeout, convert, args);
    }

    /** {@link #merge(String[], String[], String, Duration)} with this version's {@link ScriptOptions#timeout()}. */
    public ScriptResult<String> merge(String[] names, String[] bodies, String ctxJson) {
        return merge(names, bodies, ctxJson, options.timeout());
    }

    /**
     * Runs a merge script's {@code merge(parts, ctx)} and returns the response body it makes, as JSON text.
     * {@code parts[names[i]]} is {@code JSON.parse(bodies[i])}; a null {@code bodies[i]} (the part failed)
     * leaves {@code names[i]} out of {@code parts}. {@code ctx} is {@code JSON.parse(ctxJson)}
     * ({@code {route, requestId, params, query, consumer, errors}}). A returned promise is settled as for
     * {@link #invoke}. When {@code ctx.errors} is a non-empty array and the result is a plain object (not an
     * array), {@code result._portico.errors} is set to it (other {@code _portico} members are kept). The
     * result is {@code JSON.stringify} of that.
     *
     * <p>Blocking and bounded like {@link #invoke} (borrow wait, context set-up, then {@code timeout}); never
     * throws for script faults. Failures: a throw or rejection, an {@code undefined} result or one JSON cannot represent (a
     * cycle, a BigInt, a function), or a body that is not JSON → {@link ScriptResult.Kind#SCRIPT_ERROR} whose
     * detail names this version ({@code file@hash}) and the JS error; over {@code timeout} →
     * {@link ScriptResult.Kind#TIMEOUT} (the context is discarded). On a {@link ScriptKind#FILTER} version:
     * {@link ScriptResult.Kind#INTERNAL} without running anything. Each call is recorded in {@link #stats()}.
     * The per-call work is the JSON parsing and stringifying in the context: the wrapper around {@code merge}
     * is evaluated once per context.
     *
     * @param names   the part names, one per body
     * @param bodies  each part's body as JSON text, or null for a failed part
     * @param ctxJson the {@code ctx} object as JSON text
     * @param timeout the call's time budget
     * @throws IllegalArgumentException when {@code names} and {@code bodies} differ in length (a caller bug)
     * @throws NullPointerException     when {@code ctxJson} or a name is null (a caller bug)
     */
    public ScriptResult<String> merge(String[] names, String[] bodies, String ctxJson, Duration timeout) {
        if (names.length != bodies.length) {
            throw new IllegalArgumentException(names.length + " part names for " + bodies.length + " bodies");
        }
        Objects.requireNonNull(ctxJson, "ctxJson");
        if (kind != ScriptKind.MERGE) {
            return new ScriptResult.Failure<>(ScriptResult.Kind.INTERNAL, this + " is a filter, not a merge script",
                    null);
        }
        Object[] args = new Object[1 + 2 * names.length];
        args[0] = ctxJson;
        for (int i = 0; i < names.length; i++) {
            args[1 + 2 * i] = Objects.requireNonNull(names[i], "names[i]");
            args[2 + 2 * i] = bodies[i];
        }
        return run(Entry.MERGE, timeout, AS_STRING, args);
    }

    /** Calls {@code entry} in a pooled context and records the call in {@link #stats()}. */
    private <T> ScriptResult<T> run(Entry entry, Duration timeout, Function<Value, T> convert, Object[] args) {
        long start = System.nanoTime();
        ScriptResult<T> r = invokeNow(entry, timeout, convert, args);
        stats.record(System.nanoTime() - start, r);
        return r;
    }

    private <T> ScriptResult<T> invokeNow(Entry hook, Duration timeout, Function<Value, T> convert, Object[] args) {
        if (closed) {
            return new ScriptResult.Failure<>(ScriptResult.Kind.CLOSED, this + " is closed", null);
        }
        try {
            if (!permits.tryAcquire(options.borrowWait().toNanos(), TimeUnit.NANOSECONDS)) {
                return new ScriptResult.Failure<>(ScriptResult.Kind.BUSY, "no free context for " + this
                        + " within " + options.borrowWait().toMillis() + " ms (pool size " + options.poolSize() + ")", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ScriptResult.Failure<>(ScriptResult.Kind.INTERNAL, "interrupted waiting for a context", e);
        }
        try {
            ModuleInstance m = idle.poll();
            if (m == null) {
                try {
                    m = load(engine, source, options, kind);
                    created.incrementAndGet();
                } catch (LoadFailure f) {
                    return new ScriptResult.Failure<>(f.kind, "cannot set up a context for " + this + ": "
                            + f.error(file), f.getCause());
                }
            }
            return call(m, hook, timeout, convert, args);
        } finally {
            permits.release();
        }
    }

    private <T> ScriptResult<T> call(ModuleInstance m, Entry hook, Duration timeout, Function<Value, T> convert,
                                     Object[] args) {
        boolean keep = false;
        Watchdog.Ticket ticket = engine.watchdog().arm(m.context, timeout);
        try {
            Value fn = hook.function(m);
            Value returned = fn.execute(args);
            Settled settled = returned.isNull() || !returned.canInvokeMember("then") ? null : settle(returned);
            if (settled != null && !settled.fulfilled) {
                if (!ticket.disarm()) {
                    return timeout(hook, timeout, null);
                }
                return new ScriptResult.Failure<>(ScriptResult.Kind.SCRIPT_ERROR, settled.describe(this, hook), null);
            }
            T value = convert.apply(settled == null ? returned : settled.value);
            if (ticket.disarm()) {
                keep = true;
                return new ScriptResult.Ok<>(value);
            }
            return timeout(hook, timeout, null);
        } catch (PolyglotException e) {
            boolean inTime = ticket.disarm();
            if (!inTime) {
                return timeout(hook, timeout, e);
            }
            if (e.isCancelled()) {
                return new ScriptResult.Failure<>(ScriptResult.Kind.CLOSED, this + " was closed", e);
            }
            return new ScriptResult.Failure<>(e.isInternalError() ? ScriptResult.Kind.INTERNAL
                    : ScriptResult.Kind.SCRIPT_ERROR, describe(hook, e), e);
        } catch (RuntimeException e) {
            boolean inTime = ticket.disarm();
            if (!inTime) {
                return timeout(hook, timeout, e);
            }
            return new ScriptResult.Failure<>(ScriptResult.Kind.INTERNAL, this + " " + hookName(hook)
                    + ": " + e, e);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // the context is discarded below, which frees what the script held
            ticket.disarm();
            return new ScriptResult.Failure<>(ScriptResult.Kind.SCRIPT_ERROR, this + " " + hookName(hook)
                    + ": " + e, null);
        } finally {
            if (keep && !closed) {
                idle.offer(m);
                if (closed) {
                    drain();
                }
            } else {
                m.close();
                discarded.incrementAndGet();
                refillLater();
            }
        }
    }

    /**
     * After a context was discarded, evaluates the module in a new one on a background virtual thread (when no
     * context is idle and the pool has room), so the next request borrows a ready context instead of paying
     * module evaluation on its own time.
     */
    private void refillLater() {
        if (closed || !refilling.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("portico-script-refill").start(() -> {
            try {
                if (closed || !idle.isEmpty() || !permits.tryAcquire()) {
                    return;
                }
                try {
                    ModuleInstance m = load(engine, source, options, kind);
                    created.incrementAndGet();
                    if (closed || !idle.offer(m)) {
                        m.close();
                    } else if (closed) {
                        drain();
                    }
                } catch (LoadFailure f) {
                    LOG.fine(() -> "could not prepare a context for " + this + ": " + f.getMessage());
                } finally {
                    permits.release();
                }
            } finally {
                refilling.set(false);
            }
        });
    }

    private <T> ScriptResult<T> timeout(Entry hook, Duration budget, Throwable cause) {
        return new ScriptResult.Failure<>(ScriptResult.Kind.TIMEOUT, this + " " + hookName(hook)
                + " exceeded its time budget of " + budget.toMillis() + " ms", cause);
    }

    /**
     * Waits for nothing: attaches callbacks to {@code promise}; the engine runs the pending promise jobs when
     * this host call returns, so by then the callbacks ran if the promise can settle at all. A rejection with
     * a host exception (e.g. a body over the limit) rethrows it, one with a JS error rethrows that as a
     * {@link PolyglotException}, so both are reported as if the hook had thrown synchronously.
     */
    private static Settled settle(Value promise) {
        Settled s = new Settled();
        promise.invokeMember("then",
                (org.graalvm.polyglot.proxy.ProxyExecutable) a -> {
                    s.done = true;
                    s.fulfilled = true;
                    s.value = a.length > 0 ? a[0] : null;
                    return null;
                },
                (org.graalvm.polyglot.proxy.ProxyExecutable) a -> {
                    s.done = true;
                    s.value = a.length > 0 ? a[0] : null;
                    return null;
                });
        if (s.done && !s.fulfilled && s.value != null) {
            if (s.value.isHostObject() && s.value.asHostObject() instanceof RuntimeException host) {
                throw host; // e.g. a body over the limit read with await: keeps its meaning for the filter
            }
            if (s.value.isException()) {
                s.value.throwException();
            }
        }
        return s;
    }

    /** What a returned promise settled to. */
    private static final class Settled {
        boolean done;
        boolean fulfilled;
        Value value;

        String describe(ScriptVersion v, Entry hook) {
            String what = v + " " + hookName(hook) + ": ";
            if (!done) {
                return what + "returned a promise that never settles (scripts have no timers or I/O to wait for)";
            }
            String reason;
            try {
                reason = value == null ? "undefined" : value.toString();
            } catch (RuntimeException e) {
                reason = "(unprintable)";
            }
            return what + "rejected with " + (reason.length() > 500 ? reason.substring(0, 500) + "…" : reason);
        }
    }

    private String describe(Entry hook, PolyglotException e) {
        StringBuilder sb = new StringBuilder().append(this).append(' ').append(hookName(hook)).append(": ");
        sb.append(e.isHostException() ? e.asHostException().toString() : e.getMessage());
        SourceSection at = location(e, source);
        if (at != null) {
            sb.append(" (").append(file.getFileName()).append(':').append(at.getStartLine());
            if (at.hasColumns()) {
                sb.append(':').append(at.getStartColumn());
            }
            sb.append(')');
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            if (f.isGuestFrame() && !fromMergeWrapper(f.getSourceLocation())) {
                sb.append("\n    at ").append(f);
            }
        }
        return sb.toString();
    }

    /**
     * Where in the script's own {@code source} {@code e} arose: its location, else the innermost guest frame
     * in that source (so an error raised by the merge wrapper or a built-in is located at the script's line
     * that led to it), else null.
     */
    private static SourceSection location(PolyglotException e, Source source) {
        SourceSection at = e.getSourceLocation();
        if (at != null && in(at, source)) {
            return at;
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            if (f.isGuestFrame() && f.getSourceLocation() != null && in(f.getSourceLocation(), source)) {
                return f.getSourceLocation();
            }
        }
        return null;
    }

    private static boolean in(SourceSection at, Source source) {
        return at.getSource().getName().equals(source.getName());
    }

    private static boolean fromMergeWrapper(SourceSection at) {
        return at != null && ModuleInstance.MERGE_WRAPPER_NAME.equals(at.getSource().getName());
    }

    private static String hookName(Entry hook) {
        return hook.jsName;
    }

    /** The script file this version was compiled from. */
    public Path file() {
        return file;
    }

    /** Lower-case hex SHA-256 of the file's bytes. */
    public String sha256() {
        return sha256;
    }

    /** The first 12 hex digits of {@link #sha256()}, for logs and span names. */
    public String shortHash() {
        return sha256.substring(0, 12);
    }

    /** Whether this is a filter or a merge script. */
    public ScriptKind kind() {
        return kind;
    }

    /** The phase the default export declares; null for a {@link ScriptKind#MERGE} script, which has none. */
    public Phase phase() {
        return phase;
    }

    /** Whether the default export has an {@code onResponse} function (never for a merge script). */
    public boolean hasOnResponse() {
        return hasOnResponse;
    }

    /** The limits this version runs with. */
    public ScriptOptions options() {
        return options;
    }

    /** Invocation counters and latency histogram of this version. */
    public ScriptStats stats() {
        return stats;
    }

    /**
     * Pins this version for a request that will call it again later (its {@code onResponse}), so
     * {@link #retire()} does not close it in between. Lock-free.
     *
     * @return false when it is already closed (use the current version instead)
     */
    public boolean retain() {
        while (true) {
            int n = pins.get();
            if (n < 0) {
                return false;
            }
            if (pins.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back one {@link #retain()}; closes the version if it was retired and this was the last pin. */
    public void release() {
        if (pins.decrementAndGet() == 0 && retired && pins.compareAndSet(0, -1)) {
            close();
        }
    }

    /** Closes this version as soon as no request holds it (now, when none does). Idempotent. */
    public void retire() {
        retired = true;
        if (pins.compareAndSet(0, -1)) {
            close();
        }
    }

    /** Contexts created so far (including replacements). */
    public long contextsCreated() {
        return created.get();
    }

    /** Contexts discarded after a timeout or failure. */
    public long contextsDiscarded() {
        return discarded.get();
    }

    /**
     * Closes idle contexts now and in-use ones when their call returns; later {@link #invoke} calls answer
     * {@link ScriptResult.Kind#CLOSED}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        ModuleInstance m;
        while ((m = idle.poll()) != null) {
            m.close();
        }
    }

    private static void closeQuietly(Context c) {
        try {
            c.close(true);
        } catch (RuntimeException e) {
            // already closed by the watchdog
        }
    }

    /** {@code script:file@shorthash}: the name of this version's tracing spans (computed once). */
    public String spanName() {
        return spanName;
    }

    /** {@code file@shorthash}, e.g. {@code orders-tenant.js@3f2a9c01b7de} (computed once). */
    @Override
    public String toString() {
        return label;
    }

    /** A context could not be set up; carries what {@link ScriptError} needs. */
    private static final class LoadFailure extends Exception {
        final int line;
        final int column;
        final ScriptResult.Kind kind;

        LoadFailure(int line, int column, String message, Throwable cause, ScriptResult.Kind kind) {
            super(message, cause, false, false);
            this.line = line;
            this.column = column;
            this.kind = kind;
        }

        static LoadFailure timeout(ScriptOptions options) {
            return new LoadFailure(0, 0, "module evaluation exceeded " + options.initTimeout().toMillis() + " ms",
                    null, ScriptResult.Kind.TIMEOUT);
        }

        ScriptError error(Path file) {
            return new ScriptError(file, line, column, getMessage());
        }
    }
}
