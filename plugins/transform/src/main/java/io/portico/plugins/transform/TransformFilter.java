package io.portico.plugins.transform;

import io.portico.api.Body;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Headers;
import io.portico.api.Request;
import io.portico.api.Response;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a {@link TransformConfig}: in {@link #onRequest} the request's headers, query, upstream path and
 * JSON body, in that order (so body rules see the headers as edited); in {@link #onResponse} the response's
 * headers, then its JSON body. A body is buffered only when body rules exist and its {@code Content-Type}
 * is JSON ({@link JsonBodyEdit#applies}); a body over {@code server.max-body-size} makes the gateway answer
 * 413 (request) or 502 (response). Immutable, thread-safe.
 */
final class TransformFilter implements GatewayFilter {
    private final Optional<NameEdit> requestHeaders;
    private final Optional<NameEdit> query;
    private final Optional<Template> path;
    private final Optional<JsonBodyEdit> requestBody;
    private final Optional<NameEdit> responseHeaders;
    private final Optional<JsonBodyEdit> responseBody;

    TransformFilter(TransformConfig config) {
        Optional<RequestRules> req = config.request();
        Optional<ResponseRules> res = config.response();
        this.requestHeaders = req.flatMap(RequestRules::headers).filter(r -> !r.isEmpty())
                .map(r -> new NameEdit(r, Encoding::headerValue));
        this.query = req.flatMap(RequestRules::query).filter(r -> !r.isEmpty()).map(r -> new NameEdit(r, v -> v));
        this.path = req.flatMap(RequestRules::path).map(Template::parse);
        this.requestBody = req.flatMap(RequestRules::body).filter(r -> !r.isEmpty()).map(JsonBodyEdit::new);
        this.responseHeaders = res.flatMap(ResponseRules::headers).filter(r -> !r.isEmpty())
                .map(r -> new NameEdit(r, Encoding::headerValue));
        this.responseBody = res.flatMap(ResponseRules::body).filter(r -> !r.isEmpty()).map(JsonBodyEdit::new);
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Request request = exchange.request();
        Map<String, String> params = exchange.pathParams();
        requestHeaders.ifPresent(e -> e.apply(Fields.of(request.headers()), params));
        query.ifPresent(e -> e.apply(Fields.of(request.query()), params));
        path.ifPresent(t -> request.upstreamPath(t.render(params, Encoding::pathSegment)));
        requestBody.ifPresent(e -> editBody(e, request.headers(), request.body(), params));
        return Decision.proceed();
    }

    @Override
    public void onResponse(Exchange exchange) {
        if (responseHeaders.isEmpty() && responseBody.isEmpty()) {
            return;
        }
        Response response = exchange.response();
        Map<String, String> params = exchange.pathParams();
        responseHeaders.ifPresent(e -> e.apply(Fields.of(response.headers()), params));
        responseBody.ifPresent(e -> editBody(e, response.headers(), response.body(), params));
    }

    private static void editBody(JsonBodyEdit edit, Headers headers, Body body, Map<String, String> params) {
        if (body.present() && JsonBodyEdit.applies(headers.first("Content-Type"), headers.first("Content-Encoding"))) {
            edit.apply(body.bytes(), params).ifPresent(body::replace);
        }
    }
}
