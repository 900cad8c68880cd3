package io.portico.core.chain;

import java.util.List;

/**
 * The filters of one route, in execution order: by {@link io.portico.api.Phase}, within a phase global
 * filters before the route's own, each group in configuration order, then adjusted by the entries'
 * {@code before}/{@code after} constraints (a stable topological sort). Immutable and thread-safe; built
 * by {@link ChainBuilder}, run by {@link ChainExecutor}.
 *
 * @param routeId the route
 * @param entries the filters in {@code onRequest} order (never empty)
 */
public record FilterChain(String routeId, List<FilterEntry> entries) {
    public FilterChain {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a chain has at least one filter");
        }
    }

    /** The number of filters. */
    public int size() {
        return entries.size();
    }

    /** The filter at {@code index} in request order. */
    public FilterEntry get(int index) {
        return entries.get(index);
    }

    /** The type names in request order (for messages, tests and the admin API). */
    public List<String> types() {
        return entries.stream().map(FilterEntry::type).toList();
    }
}
