package io.portico.plugins.testkit;

import io.portico.api.Body;
import io.portico.api.Headers;
import io.portico.api.Query;
import io.portico.api.Request;

/** A mutable request; {@link #upstreamPath(String)} checks the leading slash like the gateway. */
public final class FakeRequest implements Request {
    private final String method;
    private final String path;
    private String upstreamPath;
    private FakeQuery query = new FakeQuery();
    private FakeHeaders headers = new FakeHeaders();
    private FakeBody body = FakeBody.empty();

    public FakeRequest(String method, String path) {
        this.method = method;
        this.path = path;
        this.upstreamPath = path;
    }

    public FakeRequest headers(FakeHeaders headers) {
        this.headers = headers;
        return this;
    }

    public FakeRequest query(FakeQuery query) {
        this.query = query;
        return this;
    }

    public FakeRequest body(FakeBody body) {
        this.body = body;
        return this;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String upstreamPath() {
        return upstreamPath;
    }

    @Override
    public void upstreamPath(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the path must start with /: " + path);
        }
        this.upstreamPath = path;
    }

    @Override
    public Query query() {
        return query;
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
