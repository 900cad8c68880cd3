package io.portico.core.chain;

import io.portico.api.ConfiguredConsumer;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.api.RedisSettings;
import io.portico.core.config.FilterConfig;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.RouteConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the {@link FilterChain}s of a configuration, off the request path (at start-up and on reload).
 *
 * <p>Every {@code filters:} entry becomes one filter through {@code factory.create(entry.config(), context)};
 * a global entry is created once (its context has no route) and shared by every route's chain. A route
 * with no filters of its own when there are no global filters gets no chain at all, so its requests take
 * the unfiltered path. Ordering is described on {@link FilterChain}; {@link ConstraintOrder} applies the
 * {@code before}/{@code after} constraints.
 *
 * <p>Errors (unknown type, an entry without a bound config, a factory refusing its config, a constraint
 * naming a type of another phase, a cycle) are collected and thrown together as a {@link ChainException},
 * each naming the entry's {@code file:line}. Not thread-safe; use one instance per build.
 */
public final class ChainBuilder {
    private static final Logger LOG = Logger.getLogger(ChainBuilder.class.getName());

    private final FilterFactoryLookup lookup;
    private final long maxBodySize;
    private final Clock clock;

    /** What every filter of one build gets from the configuration's shared sections. */
    private record Shared(List<ConfiguredConsumer> consumers, Optional<RedisSettings> redis) {
        static final Shared NONE = new Shared(List.of(), Optional.empty());
    }

    public ChainBuilder(FilterFactoryLookup lookup, long maxBodySize) {
        this(lookup, maxBodySize, Clock.systemUTC());
    }

    public ChainBuilder(FilterFactoryLookup lookup, long maxBodySize, Clock clock) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.maxBodySize = maxBodySize;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The chains of every route of {@code config} that has filters (its own or global), by route id.
     *
     * @throws ChainException listing every problem
     */
    public Map<String, FilterChain> build(GatewayConfig config) {
        return build(config.filters(), config.routes(), new Shared(config.consumers(), config.redis()));
    }

    /**
     * The chains of {@code routes} with {@code global} filters first; routes without any filter are absent.
     *
     * @return an unmodifiable map, empty when no route has a filter
     * @throws ChainException listing every problem
     */
    public Map<String, FilterChain> build(List<FilterConfig> global, List<RouteConfig> routes) {
        return build(global, routes, Shared.NONE);
    }

    private Map<String, FilterChain> build(List<FilterConfig> global, List<RouteConfig> routes, Shared shared) {
        List<String> errors = new ArrayList<>();
        List<FilterEntry> globalEntries = entries(global, null, shared, errors);
        Map<String, FilterChain> chains = new LinkedHashMap<>();
        for (RouteConfig route : routes) {
            List<FilterEntry> all = new ArrayList<>(globalEntries);
            all.addAll(entries(route.filters(), route.id(), shared, errors));
            if (all.isEmpty()) {
                continue;
            }
            List<FilterEntry> ordered = ConstraintOrder.sort(all, lookup, errors);
            if (ordered != null) {
                chains.put(route.id(), new FilterChain(route.id(), ordered));
            }
        }
        if (!errors.isEmpty()) {
            throw new ChainException(errors.stream().distinct().toList());
        }
        return Collections.unmodifiableMap(chains);
    }

    private List<FilterEntry> entries(List<FilterConfig> configs, String routeId, Shared shared, List<String> errors) {
        List<FilterEntry> out = new ArrayList<>(configs.size());
        for (FilterConfig c : configs) {
            FilterEntry e = entry(c, routeId, shared, errors);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    private FilterEntry entry(FilterConfig c, String routeId, Shared shared, List<String> errors) {
        String where = c.file() + ":" + c.line();
        FilterFactory<?> factory = lookup.factory(c.type());
        if (factory == null) {
            errors.add(where + ": unknown filter type '" + c.type() + "'");
            return null;
        }
        if (c.config() == null) {
            errors.add(where + ": filter '" + c.type() + "' has no bound configuration"
                    + " (the configuration was loaded without the filter types)");
            return null;
        }
        if (!factory.configType().isInstance(c.config())) {
            errors.add(where + ": filter '" + c.type() + "' was bound to " + c.config().getClass().getSimpleName()
                    + " but its factory expects " + factory.configType().getSimpleName());
            return null;
        }
        DefaultFilterContext context = new DefaultFilterContext(c.type(), routeId, clock, maxBodySize,
                shared.consumers(), shared.redis());
        GatewayFilter filter;
        try {
            filter = create(factory, c.config(), context);
        } catch (IllegalArgumentException e) {
            errors.add(where + ": filter '" + c.type() + "': " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, where + ": the factory of filter '" + c.type() + "' failed", e);
            errors.add(where + ": filter '" + c.type() + "' could not be created (" + e.getClass().getSimpleName()
                    + "; see the log)");
            return null;
        }
        if (filter == null) {
            errors.add(where + ": the factory of filter '" + c.type() + "' returned no filter");
            return null;
        }
        Phase phase = filter instanceof PhasedFilter own ? own.phase() : factory.phase();
        return new FilterEntry(c.type(), phase, filter, c.onError(), c.before(), c.after(), where,
                context, new FilterStats());
    }

    private static <C extends Record> GatewayFilter create(FilterFactory<C> factory, Record config,
                                                           DefaultFilterContext context) {
        return factory.create(factory.configType().cast(config), context);
    }
}
