package io.portico.plugins.testkit;

import io.portico.api.Body;
import io.portico.api.Decision;
import io.portico.api.Headers;
import io.portico.api.Response;
import java.util.Map;

/** A mutable response. */
public final class FakeResponse implements Response {
    private int status;
    private FakeHeaders headers = new FakeHeaders();
    private FakeBody body = FakeBody.empty();

    public FakeResponse(int status) {
        this.status = status;
    }

    /** The response a {@code Respond} decision makes (its headers; the body is not rendered). */
    public static FakeResponse of(Decision.Respond respond) {
        FakeResponse r = new FakeResponse(respond.status());
        for (Map.Entry<String, String> h : respond.headers()) {
            r.headers.add(h.getKey(), h.getValue());
        }
        return r;
    }

    public FakeResponse headers(FakeHeaders headers) {
        this.headers = headers;
        return this;
    }

    public FakeResponse body(FakeBody body) {
        this.body = body;
        return this;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public void status(int status) {
        this.status = status;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Body body() {
        return body;
    }

    /** The concrete body, for assertions. */
    public FakeBody fakeBody() {
        return body;
    }
}
