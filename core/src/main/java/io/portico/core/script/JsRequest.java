package io.portico.core.script;

import io.portico.api.BodyTooLargeException;
import io.portico.api.Request;
import io.portico.core.chain.ExchangeBase;
import java.util.Objects;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * {@code req} in {@code onRequest(req, ctx)}: a live view of the exchange's {@link Request}; nothing is
 * copied up front, sub-views are made on first access and reused.
 *
 * <ul>
 *   <li>{@code method}, {@code clientIp}: strings.</li>
 *   <li>{@code path}: the normalized client path. Assigning it sets the path sent upstream
 *       ({@link Request#upstreamPath(String)}) and later reads return the new value. It must be a string
 *       starting with {@code /} without spaces, control characters, {@code #} or {@code ?} (else a JS
 *       {@code TypeError}).</li>
 *   <li>{@code query} ({@link JsQuery}), {@code headers} ({@link JsHeaders}): live and changeable.</li>
 *   <li>{@code params}: the route's path parameters, read-only.</li>
 *   <li>{@code text()}, {@code json()}: buffer the body on demand and return a resolved Promise of the text
 *       or the parsed value (parsed by the script's own {@code JSON.parse}; malformed JSON throws a JS
 *       {@code SyntaxError}). A body over the limit throws {@link BodyTooLargeException} as a host exception
 *       (the filter answers 413).</li>
 * </ul>
 *
 * Other writes, and deletes, throw a JS {@code TypeError}. Create one per call; confined to the request's
 * thread like the {@link Request}.
 */
public final class JsRequest extends JsView {
    private static final String[] KEYS = {"method", "path", "query", "params", "headers", "clientIp", "text", "json"};

    private final ExchangeBase exchange;
    private final Request request;
    private String path;
    private JsHeaders headers;
    private JsQuery query;
    private JsConfig params;
    private ProxyExecutable text;
    private ProxyExecutable json;

    public JsRequest(ExchangeBase exchange) {
        super("req", KEYS);
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.request = exchange.request();
    }

    @Override
    public Object getMember(String key) {
        return switch (key) {
            case "headers" -> headers != null ? headers : (headers = new JsHeaders(request.headers()));
            case "method" -> request.method();
            case "path" -> path != null ? path : request.path();
            case "query" -> query != null ? query : (query = new JsQuery(request.query()));
            case "params" -> params != null ? params : (params = new JsConfig(exchange.pathParams(), "req.params"));
            case "clientIp" -> exchange.clientIp();
            case "text" -> text != null ? text : (text = args -> JsValues.resolved(request.body().text()));
            case "json" -> json != null ? json
                    : (json = args -> JsValues.resolved(JsValues.parseJson(request.body().text())));
            default -> null;
        };
    }

    @Override
    public void putMember(String key, Value value) {
        if (!key.equals("path")) {
            super.putMember(key, value);
            return;
        }
        if (value == null || !value.isString()) {
            throw JsErrors.typeError("req.path must be a string");
        }
        String p = value.asString();
        if (p.isEmpty() || p.charAt(0) != '/') {
            throw JsErrors.typeError("req.path must start with '/'");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '#' || c == '?') {
                throw JsErrors.typeError("req.path must not contain spaces, control characters, '#' or '?'");
            }
        }
        try {
            request.upstreamPath(p);
        } catch (IllegalArgumentException e) {
            throw JsErrors.typeError("req.path: " + e.getMessage());
        }
        path = p;
    }
}
