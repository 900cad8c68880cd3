package io.portico.core.script;

import io.portico.api.Response;
import org.graalvm.polyglot.HostAccess;

/**
 * {@code res} in {@code onResponse(res, ctx)}: {@code res.status} and the live {@code res.headers}.
 * Create one per call; confined to the calling thread like the {@link Response}.
 */
public final class JsResponse {
    /** The status code when {@code onResponse} started. */
    @HostAccess.Export
    public final int status;
    /** The response headers (changes reach the client). */
    @HostAccess.Export
    public final JsHeaders headers;

    public JsResponse(io.portico.core.chain.ExchangeBase ex) {
        this(ex.response());
    }

    public JsResponse(Response response) {
        this(response.status(), new JsHeaders(response.headers()));
    }

    JsResponse(int status, JsHeaders headers) {
        this.status = status;
        this.headers = headers;
    }
}
