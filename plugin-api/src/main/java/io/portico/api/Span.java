package io.portico.api;

/** The request's tracing span, as far as a filter may touch it. Same threading as {@link Exchange}. */
public interface Span {

    /** Sets an attribute on the span. */
    void attribute(String key, String value);

    /** Records a timestamped event on the span. */
    void event(String name);
}
