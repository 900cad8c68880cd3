package io.portico.core.chain;

import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.config.FilterConfig.OnError;

import java.util.List;
import java.util.Objects;

/**
 * One filter of a chain: the instance its factory created from one {@code filters:} entry, with what the
 * executor needs to run it. Immutable apart from {@link #stats()} and the context's metrics; a global
 * filter's entry is shared by the chains of every route.
 *
 * @param type     the filter type name
 * @param phase    the phase of its factory
 * @param filter   the instance
 * @param onError  what an exception from it does
 * @param before   types it must run before (within its phase)
 * @param after    types it must run after (within its phase)
 * @param location {@code file:line} of the config entry, for messages
 * @param context  the context it was created with
 * @param stats    its call timings
 */
public record FilterEntry(String type, Phase phase, GatewayFilter filter, OnError onError, List<String> before,
                          List<String> after, String location, DefaultFilterContext context, FilterStats stats) {
    public FilterEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(onError, "onError");
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    /** Whether an exception lets the request go on. */
    public boolean failOpen() {
        return onError == OnError.FAIL_OPEN;
    }

    @Override
    public String toString() {
        return type + " (" + location + ")";
    }
}
