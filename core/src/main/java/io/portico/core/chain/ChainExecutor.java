package io.portico.core.chain;

import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.telemetry.tracing.SpanNamed;
import io.portico.core.telemetry.tracing.Tracing;

import io.portico.api.BodyTooLargeException;
import io.portico.api.Decision;
import io.portico.core.chain.FilterStats.Callback;
import io.portico.core.server.Problem;
import io.portico.core.upstream.ClientBodyException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a {@link FilterChain} over one exchange, in three steps the server calls in order:
 * {@link #onRequest} (before the target is picked), {@link #onResponse} (before the response is
 * committed), {@link #onComplete} (after the last byte, or after the exchange failed).
 *
 * <p>Errors, following {@link io.portico.api.GatewayFilter}: an exception from {@code onRequest} or
 * {@code onResponse} is a bug in the filter. With {@code on-error: fail-closed} (the default) it is logged
 * at SEVERE with the request id, the filter type, its config location and the stack trace, and the
 * response becomes 500 {@code urn:portico:problem:filter-error} ("The filter 'x' failed."); with
 * {@code fail-open} it is logged at WARNING and the request goes on as if the filter had not run. A
 * {@link BodyTooLargeException} escaping a filter is the body's fault, not the filter's: 413 on the
 * request side, 502 on the response side, whatever {@code on-error} says (the body can no longer be
 * forwarded). A {@link ClientBodyException} (the client's body was malformed or the client went away)
 * propagates to the server. Exceptions from {@code onComplete} are only logged.
 *
 * <p>A filter whose {@code onRequest} failed gets no {@code onResponse}, but every filter whose
 * {@code onRequest} was called gets {@code onComplete}. After a fail-closed {@code onResponse} failure the
 * problem replaces the response and the remaining (earlier) filters' {@code onResponse} still run on it.
 *
 * <p>Each call is timed into the entry's {@link FilterStats}. Stateless and thread-safe; all per-request
 * state lives in the {@link ExchangeBase}. Blocks as long as the filters do.
 */
public final class ChainExecutor {
    private static final Logger LOG = Logger.getLogger(ChainExecutor.class.getName());

    private ChainExecutor() {
    }

    /**
     * Calls {@code onRequest} of each filter in order until one responds or fails closed.
     *
     * @return true to go on upstream; false when the exchange's {@link ExchangeBase#responseView() response}
     *         is the answer to send (after {@link #onResponse})
     * @throws ClientBodyException when a filter read a body the client could not deliver
     */
    public static boolean onRequest(FilterChain chain, ExchangeBase ex) {
        ex.stage(ExchangeBase.Stage.REQUEST);
        // one clock reading per filter boundary: the end of one call is the start of the next
        long start = System.nanoTime();
        for (int i = 0; i < chain.size(); i++) {
            FilterEntry entry = chain.get(i);
            ex.ran = i + 1;
            Decision decision;
            RequestTrace trace = ex.trace();
            if (trace != null) {
                trace.startFilter(spanName(entry, ex, false), entry.type(), "onRequest");
            }
            Throwable failed = null;
            try {
                decision = entry.filter().onRequest(ex);
                if (decision == null) {
                    throw new NullPointerException("onRequest returned null instead of a Decision");
                }
            } catch (BodyTooLargeException e) {
                failed = e;
                skip(ex, i, chain.size());
                entry.stats().failed();
                LOG.fine(() -> "request " + ex.requestId() + ": the request body exceeds the limit (filter '"
                        + entry.type() + "')");
                ex.respond(Problem.payloadTooLarge(e.limit()));
                return false;
            } catch (ClientBodyException e) {
                failed = e;
                skip(ex, i, chain.size());
                throw e;
            } catch (RuntimeException e) {
                failed = e;
                skip(ex, i, chain.size());
                entry.stats().failed();
                if (entry.failOpen()) {
                    log(Level.WARNING, ex, entry, "onRequest", "failed; on-error is fail-open, going on", e);
                    continue;
                }
                log(Level.SEVERE, ex, entry, "onRequest", "failed", e);
                ex.respond(filterError(entry));
                return false;
            } finally {
                if (trace != null) {
                    trace.endFilter(failed);
                }
                long end = System.nanoTime();
                entry.stats().record(Callback.REQUEST, end - start);
                start = end;
            }
            if (decision instanceof Decision.Respond answer) {
                ex.respond(answer);
                return false;
            }
        }
        return true;
    }

    /**
     * Calls {@code onResponse} in reverse order over the filters whose {@code onRequest} ran and proceeded
     * or responded. The exchange's response view must be set (the upstream's, or the answer).
     */
    public static void onResponse(FilterChain chain, ExchangeBase ex) {
        ex.stage(ExchangeBase.Stage.RESPONSE);
        long start = 0;
        boolean timing = false;
        for (int i = ex.ran - 1; i >= 0; i--) {
            if (ex.skipResponse != null && ex.skipResponse[i]) {
                continue;
            }
            FilterEntry entry = chain.get(i);
            if (!Overrides.of(entry.filter()).onResponse()) {
                continue; // the default does nothing: neither call nor time it
            }
            if (!timing) {
                start = System.nanoTime();
                timing = true;
            }
            RequestTrace trace = ex.trace();
            String spanName = trace == null ? null : spanName(entry, ex, true);
            if (spanName != null) {
                trace.startFilter(spanName, entry.type(), "onResponse");
            }
            Throwable failed = null;
            try {
                entry.filter().onResponse(ex);
            } catch (BodyTooLargeException e) {
                failed = e;
                entry.stats().failed();
                LOG.fine(() -> "request " + ex.requestId() + ": the upstream response body exceeds the limit"
                        + " (filter '" + entry.type() + "')");
                ex.respond(responseTooLarge(e.limit()));
            } catch (RuntimeException e) {
                failed = e;
                entry.stats().failed();
                if (entry.failOpen()) {
                    log(Level.WARNING, ex, entry, "onResponse", "failed; on-error is fail-open, going on", e);
                } else {
                    log(Level.SEVERE, ex, entry, "onResponse", "failed", e);
                    ex.respond(filterError(entry));
                }
            } finally {
                if (trace != null) {
                    trace.endFilter(failed);
                }
                long end = System.nanoTime();
                entry.stats().record(Callback.RESPONSE, end - start);
                start = end;
            }
        }
    }

    /**
     * Calls {@code onComplete} in reverse order over every filter whose {@code onRequest} was called.
     * The response is read-only by then; {@link ExchangeBase#sent} should have recorded the status sent.
     * Never throws (failures are logged).
     */
    public static void onComplete(FilterChain chain, ExchangeBase ex) {
        ex.stage(ExchangeBase.Stage.COMPLETE);
        long start = 0;
        boolean timing = false;
        for (int i = ex.ran - 1; i >= 0; i--) {
            FilterEntry entry = chain.get(i);
            if (!Overrides.of(entry.filter()).onComplete()) {
                continue;
            }
            if (!timing) {
                start = System.nanoTime();
                timing = true;
            }
            try {
                entry.filter().onComplete(ex);
            } catch (RuntimeException e) {
                entry.stats().failed();
                log(Level.WARNING, ex, entry, "onComplete", "failed", e);
            } finally {
                long end = System.nanoTime();
                entry.stats().record(Callback.COMPLETE, end - start);
                start = end;
            }
        }
    }

    /** {@code filter:<type>}, or the filter's own name ({@code script:<file>@<hash>}). */
    private static String spanName(FilterEntry entry, ExchangeBase ex, boolean response) {
        return entry.filter() instanceof SpanNamed named ? named.spanName(ex, response)
                : Tracing.filterSpanName(entry.type());
    }

    /** The 500 answer naming a failed filter. */
    public static Problem filterError(FilterEntry entry) {
        return new Problem(500, "filter-error", "Internal Server Error",
                "The filter '" + entry.type() + "' failed.", null);
    }

    /** The 502 answer to an upstream response body a filter could not buffer. */
    public static Problem responseTooLarge(long limit) {
        return new Problem(502, "upstream-response-too-large", "Bad Gateway",
                "The upstream response body exceeds the limit of " + limit + " bytes.", null);
    }

    private static void skip(ExchangeBase ex, int i, int size) {
        if (ex.skipResponse == null) {
            ex.skipResponse = new boolean[size];
        }
        ex.skipResponse[i] = true;
    }

    private static void log(Level level, ExchangeBase ex, FilterEntry entry, String callback, String what,
                            RuntimeException e) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, "request " + ex.requestId() + ": filter '" + entry.type() + "' (" + entry.location()
                    + ", route " + ex.routeId() + ") " + callback + " " + what, e);
        }
    }
}
