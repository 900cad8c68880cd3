package io.portico.plugins.testkit;

import io.portico.api.AttributeKey;
import io.portico.api.Consumer;
import io.portico.api.Exchange;
import io.portico.api.Response;
import io.portico.api.Span;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link Exchange}. {@link #response()} throws {@link IllegalStateException} until a response
 * is set with {@link #response(FakeResponse)}, as in {@code onRequest}.
 */
public final class FakeExchange implements Exchange {
    private final FakeRequest request;
    private String requestId = "req-1";
    private String routeId = "route-1";
    private String upstream = "upstream-1";
    private java.util.Set<String> upstreams;
    private String clientIp = "203.0.113.7";
    private Map<String, String> pathParams = Map.of();
    private FakeResponse response;
    private Consumer consumer;
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();

    public FakeExchange(FakeRequest request) {
        this.request = request;
    }

    /** A GET of {@code path} with no headers. */
    public static FakeExchange get(String path) {
        return new FakeExchange(new FakeRequest("GET", path));
    }

    public FakeExchange requestId(String id) {
        this.requestId = id;
        return this;
    }

    public FakeExchange clientIp(String ip) {
        this.clientIp = ip;
        return this;
    }

    public FakeExchange pathParams(Map<String, String> params) {
        this.pathParams = Map.copyOf(params);
        return this;
    }

    /** Declares the upstreams that exist (by default any name is accepted by {@link #upstream(String)}). */
    public FakeExchange upstreams(String... names) {
        this.upstreams = java.util.Set.of(names);
        return this;
    }

    /** Sets the response (as the gateway does before {@code onResponse}). */
    public FakeExchange response(FakeResponse response) {
        this.response = response;
        return this;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public String upstream() {
        return upstream;
    }

    @Override
    public void upstream(String name) {
        if (response != null) {
            throw new IllegalStateException("the upstream can be changed only in onRequest");
        }
        if (name == null || (upstreams != null && !upstreams.contains(name))) {
            throw new IllegalArgumentException("no upstream named '" + name + "'");
        }
        this.upstream = name;
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public FakeRequest request() {
        return request;
    }

    @Override
    public Response response() {
        if (response == null) {
            throw new IllegalStateException("no response in onRequest");
        }
        return response;
    }

    /** The concrete response, for assertions. */
    public FakeResponse fakeResponse() {
        return (FakeResponse) response();
    }

    @Override
    public Optional<Consumer> consumer() {
        return Optional.ofNullable(consumer);
    }

    @Override
    public void consumer(Consumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        return Optional.ofNullable(key.type().cast(attributes.get(key)));
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
        attributes.put(key, key.type().cast(java.util.Objects.requireNonNull(value, "value")));
    }

    @Override
    public Span span() {
        return new Span() {
            @Override
            public void attribute(String key, String value) {
            }

            @Override
            public void event(String name) {
            }
        };
    }
}
