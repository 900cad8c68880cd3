package io.portico.core.chain;

import io.portico.api.Span;

/** The span of a request when tracing is off: records nothing. Stateless singleton. */
public final class NoopSpan implements Span {
    public static final NoopSpan INSTANCE = new NoopSpan();

    private NoopSpan() {
    }

    @Override
    public void attribute(String key, String value) {
    }

    @Override
    public void event(String name) {
    }
}
