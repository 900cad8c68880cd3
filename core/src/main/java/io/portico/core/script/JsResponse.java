package io.portico.core.script;

import io.portico.api.BodyTooLargeException;
import io.portico.api.Response;
import io.portico.core.chain.ExchangeBase;
import java.util.Objects;
import java.util.Optional;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * {@code res} in {@code onResponse(res, ctx)}: a live view of the exchange's {@link Response}.
 *
 * <ul>
 *   <li>{@code status}: the status code; assigning an integer 200..599 changes it (else a JS
 *       {@code RangeError}).</li>
 *   <li>{@code headers} ({@link JsHeaders}): live and changeable.</li>
 *   <li>{@code text()}, {@code json()}: buffer the response body on demand and return a resolved Promise of
 *       the text or the parsed value (malformed JSON throws a JS {@code SyntaxError}; a body over the limit
 *       throws {@link BodyTooLargeException} as a host exception).</li>
 *   <li>{@code body}: write-only (reads give {@code undefined}; use {@code await res.text()}). A string is
 *       sent as its UTF-8 bytes; null/undefined makes the body empty; anything else is sent as
 *       {@code JSON.stringify(value)} and {@code Content-Type: application/json} is set unless the script
 *       changed the {@code Content-Type} in this call. A value JSON cannot represent throws a JS
 *       {@code TypeError}.</li>
 * </ul>
 *
 * Other writes, and deletes, throw a JS {@code TypeError}. Create one per call; confined to the request's
 * thread like the {@link Response}.
 */
public final class JsResponse extends JsView {
    private static final String[] KEYS = {"status", "headers", "text", "json", "body"};

    private final Response response;
    private final long bodyLimit;
    private final Optional<String> contentTypeAtStart;
    private JsHeaders headers;
    private ProxyExecutable text;
    private ProxyExecutable json;

    /**
     * @throws IllegalStateException when the exchange has no response yet (called in {@code onRequest})
     */
    public JsResponse(ExchangeBase exchange) {
        super("res", KEYS);
        Objects.requireNonNull(exchange, "exchange");
        Response r = exchange.responseView();
        this.response = r != null ? r : exchange.response();
        this.bodyLimit = exchange.bodyLimit();
        this.contentTypeAtStart = response.headers().first("Content-Type");
    }

    @Override
    public Object getMember(String key) {
        return switch (key) {
            case "headers" -> headers != null ? headers : (headers = new JsHeaders(response.headers()));
            case "status" -> response.status();
            case "text" -> text != null ? text : (text = args -> JsValues.resolved(response.body().text()));
            case "json" -> json != null ? json
                    : (json = args -> JsValues.resolved(JsValues.parseJson(response.body().text())));
            case "body" -> JsValues.undefined();
            default -> null;
        };
    }

    @Override
    public void putMember(String key, Value value) {
        switch (key) {
            case "status" -> setStatus(value);
            case "body" -> setBody(value);
            default -> super.putMember(key, value);
        }
    }

    private void setStatus(Value value) {
        if (value == null || !value.isNumber() || !value.fitsInInt()) {
            throw JsErrors.rangeError("res.status must be an integer 200..599");
        }
        int s = value.asInt();
        if (s < 200 || s > 599) {
            throw JsErrors.rangeError("res.status must be an integer 200..599, got " + s);
        }
        response.status(s);
    }

    private void setBody(Value value) {
        if (value == null || value.isNull()) {
            response.body().replace(new byte[0]);
        } else if (value.isString()) {
            response.body().replace(JsValues.bodyBytes(value.asString(), bodyLimit, "res.body"));
        } else {
            String json = JsValues.stringify(value);
            if (json == null) {
                throw JsErrors.typeError("res.body: the value cannot be serialized as JSON");
            }
            response.body().replace(JsValues.bodyBytes(json, bodyLimit, "res.body"));
            if (response.headers().first("Content-Type").equals(contentTypeAtStart)) {
                response.headers().set("Content-Type", "application/json");
            }
        }
    }
}
