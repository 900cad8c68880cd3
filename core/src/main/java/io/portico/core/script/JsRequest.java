package io.portico.core.script;

import io.portico.api.Request;
import org.graalvm.polyglot.HostAccess;

/**
 * {@code req} in {@code onRequest(req, ctx)}: {@code req.method}, {@code req.path} and the live
 * {@code req.headers}. Create one per call; confined to the calling thread like the {@link Request}.
 */
public final class JsRequest {
    /** The method, e.g. {@code GET}. */
    @HostAccess.Export
    public final String method;
    /** The normalized path the client asked for. */
    @HostAccess.Export
    public final String path;
    /** The request headers (changes go upstream). */
    @HostAccess.Export
    public final JsHeaders headers;

    public JsRequest(io.portico.core.chain.ExchangeBase ex) {
        this(ex.request());
    }

    public JsRequest(Request request) {
        this(request.method(), request.path(), new JsHeaders(request.headers()));
    }

    JsRequest(String method, String path, JsHeaders headers) {
        this.method = method;
        this.path = path;
        this.headers = headers;
    }
}
