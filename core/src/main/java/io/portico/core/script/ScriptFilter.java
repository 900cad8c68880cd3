package io.portico.core.script;

import io.portico.core.telemetry.tracing.SpanNamed;
import io.portico.core.telemetry.tracing.Tracing;

import io.portico.api.BodyTooLargeException;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.Phase;
import io.portico.core.chain.ExchangeBase;
import io.portico.core.chain.PhasedFilter;
import io.portico.core.upstream.ClientBodyException;
import java.time.Duration;
import java.util.function.Function;
import java.util.logging.Logger;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * A {@code script} filter entry at run time: calls the current {@link ScriptVersion} of its
 * {@link ScriptSlot} with live bindings over the exchange.
 *
 * <p>A request runs on the version it started with: the version is read once in {@code onRequest} and, when
 * the script has an {@code onResponse}, pinned ({@link ScriptVersion#retain()}) until {@code onComplete}, so a
 * hot swap in between neither closes it nor switches the request to the new code.
 *
 * <p>Outcomes: {@code ctx.respond(...)} → that answer; the slot empty (file deleted) → 500
 * {@code script-unavailable}; no free context in time → 503 {@code script-busy} with {@code Retry-After};
 * a throw, a rejection or a timeout → a {@link ScriptFailure} (the chain logs it with the filter's location
 * and answers 500 {@code filter-error}, or goes on with {@code on-error: fail-open}); a body over the limit
 * read by the script → what the chain does with {@link BodyTooLargeException} (413 / 502). Clients never see
 * script text or stacks. Thread-safe; blocks the request's (virtual) thread for at most the time budget plus
 * the pool's borrow wait.
 */
final class ScriptFilter implements PhasedFilter, SpanNamed {
    private static final Function<Value, Void> IGNORE = v -> null;

    private final ScriptSlot slot;
    private final Phase phase;
    private final Duration budget;
    private final JsConfig config;
    private final Logger log;

    ScriptFilter(ScriptSlot slot, Phase phase, Duration budget, JsConfig config, Logger log) {
        this.slot = slot;
        this.phase = phase;
        this.budget = budget;
        this.config = config;
        this.log = log;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        ExchangeBase ex = (ExchangeBase) exchange;
        for (int attempt = 0; ; attempt++) {
            ScriptVersion v = pin(ex);
            if (v == null) {
                return unavailable();
            }
            JsContext ctx = new JsContext(ex, config, log, v.toString(), true);
            ScriptResult<Void> r = v.invoke(ScriptVersion.Hook.ON_REQUEST, budget, IGNORE, new JsRequest(ex), ctx);
            if (r instanceof ScriptResult.Failure<Void> f) {
                if (f.kind() == ScriptResult.Kind.CLOSED && attempt == 0) {
                    // retired by a hot swap between the read and the call, before it ran: run its successor
                    onComplete(ex);
                    continue;
                }
                if (f.kind() == ScriptResult.Kind.BUSY) {
                    log.warning(() -> "request " + ex.requestId() + ": " + f.detail());
                    return Decision.problem(503, "script-busy", "Service Unavailable",
                            "The gateway is too busy to run this route's script filter; retry shortly.")
                            .header("Retry-After", "1");
                }
                throw failure(f);
            }
            Decision.Respond answer = ctx.answer();
            return answer != null ? answer : Decision.proceed();
        }
    }

    /**
     * The current version, pinned for this request when it has an {@code onResponse} (that call must run on
     * the same version); null when the slot is empty.
     */
    private ScriptVersion pin(ExchangeBase ex) {
        ScriptVersion v = slot.current();
        while (v != null && v.hasOnResponse()) {
            if (v.retain()) {
                ex.filterState(this, v);
                return v;
            }
            v = slot.current(); // retired between the read and the pin: take its successor
        }
        return v;
    }

    @Override
    public void onResponse(Exchange exchange) {
        ExchangeBase ex = (ExchangeBase) exchange;
        if (!(ex.filterState(this) instanceof ScriptVersion v)) {
            return; // the version this request started on has no onResponse
        }
        JsContext ctx = new JsContext(ex, config, log, v.toString(), false);
        ScriptResult<Void> r = v.invoke(ScriptVersion.Hook.ON_RESPONSE, budget, IGNORE, new JsResponse(ex), ctx);
        if (r instanceof ScriptResult.Failure<Void> f) {
            throw failure(f);
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        ExchangeBase ex = (ExchangeBase) exchange;
        if (ex.filterState(this) instanceof ScriptVersion v) {
            ex.filterState(this, null);
            v.release();
        }
    }

    /** The exception the chain turns into the answer (host exceptions about the body keep their meaning). */
    private static RuntimeException failure(ScriptResult.Failure<?> f) {
        Throwable cause = f.cause() instanceof PolyglotException pe && pe.isHostException()
                ? pe.asHostException() : f.cause();
        if (cause instanceof BodyTooLargeException || cause instanceof ClientBodyException) {
            return (RuntimeException) cause;
        }
        return new ScriptFailure(f.kind(), f.detail());
    }

    private Decision unavailable() {
        return Decision.problem(500, "script-unavailable", "Internal Server Error",
                "A script filter of this route is not loaded.");
    }

    /**
     * {@code script:<file>@<hash>} of the version the call runs ({@code filter:script} when none is loaded);
     * null for {@code onResponse} when that version has none.
     */
    @Override
    public String spanName(Exchange exchange, boolean response) {
        if (response) {
            return ((ExchangeBase) exchange).filterState(this) instanceof ScriptVersion v ? v.spanName() : null;
        }
        ScriptVersion v = slot.current();
        return v != null ? v.spanName() : Tracing.filterSpanName("script");
    }

    @Override
    public String toString() {
        return "script " + slot;
    }
}
