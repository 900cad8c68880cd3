package io.portico.core.chain;

import io.portico.api.AttributeKey;
import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.Response;
import io.portico.api.Span;
import io.portico.core.telemetry.tracing.RequestTrace;
import io.portico.core.server.Problem;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What every {@link Exchange} shares, independent of the server: request id, route id, consumer, typed
 * attributes (a small identity map made on first use), the span, the response view and the bookkeeping
 * {@link ChainExecutor} keeps per request (the stage, which filters ran). Subclasses supply the request
 * view, path parameters and client address. Confined to the request's thread.
 */
public abstract class ExchangeBase implements Exchange {
    /** Where the request is in the chain. */
    public enum Stage { REQUEST, RESPONSE, COMPLETE }

    private final String requestId;
    private final String routeId;
    private String upstream;
    private Stage stage = Stage.REQUEST;
    private Consumer consumer;
    private Map<AttributeKey<?>, Object> attributes;
    private Map<Object, Object> filterState;
    private MutableResponse response;
    /** How many filters' onRequest was called (a prefix of the chain). */
    int ran;
    /** Filters whose onResponse must not be called (they failed open or closed); null when none. */
    boolean[] skipResponse;
    /** The request's tracing state; null when tracing is off. */
    private RequestTrace trace;

    /**
     * @param upstream the route's upstream (where the request goes unless a filter re-targets it); null for an
     *                 aggregate route
     */
    protected ExchangeBase(String requestId, String routeId, String upstream) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.routeId = Objects.requireNonNull(routeId, "routeId");
        this.upstream = upstream;
    }

    /**
     * The most bytes a body may have when a filter or script builds or buffers one ({@code server.max-body-size});
     * unbounded unless the server says otherwise.
     */
    public long bodyLimit() {
        return Long.MAX_VALUE;
    }

    /** Whether an upstream named {@code name} exists in the configuration this request runs on. */
    protected abstract boolean upstreamExists(String name);

    @Override
    public final String upstream() {
        return upstream;
    }

    @Override
    public final void upstream(String name) {
        if (stage != Stage.REQUEST) {
            throw new IllegalStateException("the upstream can be changed only in onRequest");
        }
        if (upstream == null) {
            throw new IllegalStateException("an aggregate route has no single upstream to change");
        }
        if (name == null || !upstreamExists(name)) {
            throw new IllegalArgumentException("no upstream named '" + name + "'");
        }
        this.upstream = name;
    }

    @Override
    public final String requestId() {
        return requestId;
    }

    @Override
    public final String routeId() {
        return routeId;
    }

    /** @throws IllegalStateException in {@code onRequest} */
    @Override
    public final Response response() {
        if (stage == Stage.REQUEST || response == null) {
            throw new IllegalStateException("the response exists only in onResponse and onComplete");
        }
        return response;
    }

    @Override
    public final Optional<Consumer> consumer() {
        return Optional.ofNullable(consumer);
    }

    @Override
    public final void consumer(Consumer consumer) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
    }

    /**
     * {@inheritDoc} A value stored under another key of the same name (a script's, see
     * {@link #attributeNamed(String, Object)}) is found too when {@code key}'s type accepts it.
     */
    @Override
    public final <T> Optional<T> attribute(AttributeKey<T> key) {
        if (attributes == null) {
            return Optional.empty();
        }
        Object v = attributes.get(key);
        if (v == null) {
            for (Map.Entry<AttributeKey<?>, Object> e : attributes.entrySet()) {
                if (e.getKey().name().equals(key.name()) && key.type().isInstance(e.getValue())) {
                    return Optional.of(key.type().cast(e.getValue()));
                }
            }
            return Optional.empty();
        }
        return Optional.of(key.type().cast(v));
    }

    /** The value of the attribute called {@code name} (under whichever key), or null. For script bindings. */
    public final Object attributeNamed(String name) {
        AttributeKey<?> key = keyNamed(name);
        return key == null ? null : attributes.get(key);
    }

    /** The key of the attribute called {@code name}, or null when none is set. */
    private AttributeKey<?> keyNamed(String name) {
        if (attributes != null) {
            for (AttributeKey<?> k : attributes.keySet()) {
                if (k.name().equals(name)) {
                    return k;
                }
            }
        }
        return null;
    }

    /**
     * Stores {@code value} as the attribute called {@code name}: under the existing key of that name when
     * there is one (its type must accept the value), else under a new {@code Object}-typed key. A null value
     * removes the attribute. For script bindings.
     *
     * @throws IllegalArgumentException when an existing key's type does not accept the value
     */
    public final void attributeNamed(String name, Object value) {
        Objects.requireNonNull(name, "name");
        AttributeKey<?> key = keyNamed(name);
        if (value == null) {
            if (key != null) {
                attributes.remove(key);
            }
            return;
        }
        if (key != null && !key.type().isInstance(value)) {
            throw new IllegalArgumentException("attribute '" + name + "' holds a " + key.type().getSimpleName()
                    + ", not a " + value.getClass().getSimpleName());
        }
        if (attributes == null) {
            attributes = new IdentityHashMap<>(4);
        }
        attributes.put(key != null ? key : AttributeKey.of(name, Object.class), value);
    }

    /** The names of the attributes set so far, in no particular order. For script bindings. */
    public final java.util.List<String> attributeNames() {
        if (attributes == null) {
            return java.util.List.of();
        }
        return attributes.keySet().stream().map(AttributeKey::name).distinct().toList();
    }

    @Override
    public final <T> void attribute(AttributeKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        if (attributes == null) {
            attributes = new IdentityHashMap<>(4);
        }
        attributes.put(key, key.type().cast(Objects.requireNonNull(value, "value")));
    }

    /**
     * The current filter's span while a filter runs (the request's span between calls) when tracing is on;
     * {@link NoopSpan} otherwise.
     */
    @Override
    public Span span() {
        return trace != null ? trace : NoopSpan.INSTANCE;
    }

    /** The request's tracing state, or null when tracing is off. */
    public final RequestTrace trace() {
        return trace;
    }

    /** Attaches the request's tracing state (before the chain runs). */
    public final void trace(RequestTrace trace) {
        this.trace = trace;
    }

    /**
     * What {@code owner} (a core filter instance) stored for this request with {@link #filterState(Object,
     * Object)}, or null. Invisible to other filters and to scripts.
     */
    public final Object filterState(Object owner) {
        return filterState == null ? null : filterState.get(owner);
    }

    /** Stores per-request state of a core filter (null removes it). */
    public final void filterState(Object owner, Object value) {
        if (filterState == null) {
            if (value == null) {
                return;
            }
            filterState = new IdentityHashMap<>(2);
        }
        if (value == null) {
            filterState.remove(owner);
        } else {
            filterState.put(owner, value);
        }
    }

    /** The stage the chain is in. */
    public final Stage stage() {
        return stage;
    }

    final void stage(Stage stage) {
        this.stage = stage;
        if (stage == Stage.COMPLETE && response != null) {
            response.freeze();
        }
    }

    /** The response view, or null before there is one. */
    public final MutableResponse responseView() {
        return response;
    }

    /** Sets the response view (the server does, from the upstream's head). */
    public final void responseView(MutableResponse response) {
        this.response = response;
    }

    /** Makes {@code answer} the response (a filter's decision). */
    public final void respond(Decision.Respond answer) {
        this.response = MutableResponse.of(answer, requestId);
    }

    /** Makes a gateway problem the response. */
    public final void respond(Problem problem) {
        this.response = MutableResponse.of(problem, requestId);
    }

    /**
     * Records the status the client got, before {@code onComplete} (when no response view exists, e.g.
     * the upstream failed and the gateway answered itself, one is made with that status).
     */
    public final void sent(int status) {
        if (response == null) {
            response = new MutableResponse(status, new MutableHeaders(), BufferedBody.of(null));
        } else {
            response.sentStatus(status);
        }
    }

    /** How many filters' {@code onRequest} ran. */
    public final int filtersRun() {
        return ran;
    }
}
