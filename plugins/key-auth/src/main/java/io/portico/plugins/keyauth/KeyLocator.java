package io.portico.plugins.keyauth;

import io.portico.api.Request;
import java.util.List;
import java.util.Optional;

/**
 * Finds the API key in a request — the header, then (when configured) the query parameter — and removes it.
 * Immutable, thread-safe.
 */
final class KeyLocator {

    /** What a request presents. */
    sealed interface Presented {
    }

    /** No key: the header is absent or empty, and so is the query parameter (or it is not read). */
    record Missing() implements Presented {
    }

    /** The source that was read carries several values: refused, the key is ambiguous. */
    record Ambiguous(String source) implements Presented {
    }

    /** One key, from {@code source} ("header" or "query"). */
    record Found(String key, String source) implements Presented {
    }

    private final String header;
    private final Optional<String> query;

    KeyLocator(String header, Optional<String> query) {
        this.header = header;
        this.query = query;
    }

    /**
     * The key {@code request} presents. The header wins when it has a non-empty value; the query parameter is
     * read only when the header is absent or empty. A source with more than one value is {@link Ambiguous}.
     */
    Presented find(Request request) {
        Presented fromHeader = pick(request.headers().all(header), "header");
        if (!(fromHeader instanceof Missing) || query.isEmpty()) {
            return fromHeader;
        }
        return pick(request.query().all(query.get()), "query");
    }

    /** Removes every value of the header and of the query parameter (when configured). */
    void strip(Request request) {
        request.headers().remove(header);
        query.ifPresent(q -> request.query().remove(q));
    }

    private static Presented pick(List<String> values, String source) {
        List<String> nonEmpty = values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
        if (nonEmpty.isEmpty()) {
            return new Missing();
        }
        if (values.size() > 1) {
            return new Ambiguous(source);
        }
        return new Found(nonEmpty.get(0), source);
    }
}
