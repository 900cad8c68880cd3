package io.portico.core.chain;

import io.portico.api.AttributeKey;
import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.Response;
import io.portico.api.Span;
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
    private Stage stage = Stage.REQUEST;
    private Consumer consumer;
    private Map<AttributeKey<?>, Object> attributes;
    private MutableResponse response;
    /** How many filters' onRequest was called (a prefix of the chain). */
    int ran;
    /** Filters whose onResponse must not be called (they failed open or closed); null when none. */
    boolean[] skipResponse;

    protected ExchangeBase(String requestId, String routeId) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.routeId = Objects.requireNonNull(routeId, "routeId");
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

    @Override
    public final <T> Optional<T> attribute(AttributeKey<T> key) {
        if (attributes == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(key.type().cast(attributes.get(key)));
    }

    @Override
    public final <T> void attribute(AttributeKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        if (attributes == null) {
            attributes = new IdentityHashMap<>(4);
        }
        attributes.put(key, key.type().cast(Objects.requireNonNull(value, "value")));
    }

    @Override
    public Span span() {
        return NoopSpan.INSTANCE;
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
