package io.portico.core.script;

import io.portico.api.BodyTooLargeException;
import io.portico.api.Request;
import io.portico.api.Span;
import io.portico.core.chain.BufferedBody;
import io.portico.core.chain.ExchangeBase;
import io.portico.core.chain.MutableHeaders;
import io.portico.core.chain.MutableQuery;
import io.portico.core.chain.MutableResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A socket-free exchange for binding tests: a request with the given method, path and raw query, upstreams
 * {@code upstream-1} (the route's) and {@code upstream-2}, a span that records its calls, and optionally a
 * response.
 */
final class FakeExchange extends ExchangeBase {
    final MutableHeaders headers = new MutableHeaders();
    final MutableQuery query;
    final List<String> spanLog = new ArrayList<>();
    final String method;
    final String path;
    Map<String, String> pathParams = Map.of();
    BufferedBody body = BufferedBody.of(null);
    String upstreamPath;
    private final Request request = new FakeRequest();
    private final Span span = new Span() {
        @Override
        public void attribute(String key, String value) {
            spanLog.add("attribute " + key + "=" + value);
        }

        @Override
        public void event(String name) {
            spanLog.add("event " + name);
        }
    };

    FakeExchange(String method, String path) {
        this(method, path, null);
    }

    FakeExchange(String method, String path, String rawQuery) {
        super("req-1", "route-1", "upstream-1");
        this.method = method;
        this.path = path;
        this.upstreamPath = path;
        this.query = new MutableQuery(rawQuery);
    }

    private long bodyLimit = Long.MAX_VALUE;

    /** Sets what {@link #bodyLimit()} answers ({@code server.max-body-size}). */
    FakeExchange bodyLimit(long limit) {
        this.bodyLimit = limit;
        return this;
    }

    @Override
    public long bodyLimit() {
        return bodyLimit;
    }

    /** Gives the request this body. */
    FakeExchange body(String text) {
        body = BufferedBody.of(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Gives the request a body that is over its limit of 16 bytes. */
    FakeExchange tooLargeBody() {
        body = new BufferedBody(true, -1, 16, limit -> {
            throw new BodyTooLargeException(limit);
        });
        return this;
    }

    /** Adds a response (as the server would before onResponse) and returns it. */
    MutableResponse respondWith(int status, String contentType, String text) {
        MutableHeaders h = new MutableHeaders();
        if (contentType != null) {
            h.set("Content-Type", contentType);
        }
        MutableResponse r = new MutableResponse(status, h,
                BufferedBody.of(text == null ? null : text.getBytes(StandardCharsets.UTF_8)));
        responseView(r);
        return r;
    }

    @Override
    protected boolean upstreamExists(String name) {
        return name.equals("upstream-1") || name.equals("upstream-2");
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public String clientIp() {
        return "203.0.113.7";
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public Span span() {
        return span;
    }

    private final class FakeRequest implements Request {
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
        public void upstreamPath(String p) {
            if (p.contains("%zz")) {
                throw new IllegalArgumentException("bad escape");
            }
            upstreamPath = p;
        }

        @Override
        public MutableQuery query() {
            return query;
        }

        @Override
        public MutableHeaders headers() {
            return headers;
        }

        @Override
        public BufferedBody body() {
            return body;
        }
    }
}
