package io.portico.api;

/**
 * One filter instance in a route's chain, created by its {@link FilterFactory} from a validated config.
 *
 * <p><b>Threading:</b> one instance serves every request of the routes it is configured on, concurrently,
 * each call on the request's own virtual thread. Keep per-request state in the {@link Exchange}
 * ({@link Exchange#attribute}), never in fields (or use thread-safe structures).
 *
 * <p><b>Blocking</b> is allowed (virtual threads), but anything that waits on the network must use a
 * timeout: the chain has no way to interrupt a filter.
 *
 * <p><b>Errors:</b> refusals (401, 403, 429 …) are {@link Decision#respond decisions}, not exceptions. An
 * exception thrown from {@link #onRequest} is treated as a bug: it is logged with the filter's type and
 * the request id, and the client gets 500 problem+json naming the filter, unless the entry says
 * {@code on-error: fail-open}, in which case the request proceeds as if the filter had not run. An
 * exception from {@link #onResponse} is handled the same way (before the response is committed);
 * one from {@link #onComplete} is only logged.
 */
public interface GatewayFilter {

    /**
     * Called before the request goes upstream, in phase order (global filters before the route's own).
     *
     * @return {@link Decision#proceed()} to continue, or a {@link Decision.Respond} that answers the client
     *         at once: later filters and the upstream are skipped, and the {@link #onResponse} of filters that
     *         already ran is still called (in reverse order) on that answer
     */
    Decision onRequest(Exchange exchange);

    /**
     * Called with the upstream's response (or a {@code Respond} decision's answer) before it is sent to the
     * client, in the reverse order of {@link #onRequest}; only for filters whose {@code onRequest} ran and
     * proceeded or responded. The status and headers may be changed; the body may be read and replaced
     * through {@link Response#body()} (which buffers it, within the limit). Default: nothing.
     */
    default void onResponse(Exchange exchange) {
    }

    /**
     * Called after the last byte was sent to the client, or after the exchange failed, for every filter whose
     * {@code onRequest} ran. For accounting (logs, metrics); the response can no longer change. Must not
     * block for long. Default: nothing.
     */
    default void onComplete(Exchange exchange) {
    }
}
