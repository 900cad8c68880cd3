package io.portico.core.plugin;

import io.portico.api.FilterFactory;
import io.portico.core.chain.FilterFactoryLookup;
import io.portico.core.config.FilterTypes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Filter type name → the {@link FilterFactory} of the plugin that provides it.
 *
 * <p>The mapping is an immutable catalog that the {@link PluginHost} replaces in one atomic swap after each
 * scan of {@code plugins.dir}; lookups never block and see either the old or the new catalog as a whole.
 * Thread-safe.
 *
 * <p><b>Leases.</b> Filters created from a factory keep the plugin's classes in use, so a replaced or removed
 * plugin version may only be unloaded once nothing can still run its filters. Whoever builds filters (the
 * gateway, per configuration snapshot) takes a {@link Lease} with {@link #acquire()} <em>before</em> looking
 * factories up, looks them up through the lease (a consistent view: the catalog as it was when acquired) and
 * calls {@link Lease#release()} once the snapshot built from it is retired and its requests in flight have
 * ended. A plugin version that is no longer in the current catalog is stopped and unloaded when the last lease
 * that could see it is released. Lookups on the registry itself (not a lease) are for validation (the config
 * loader, the admin API) and pin nothing.
 */
public final class FilterRegistry implements FilterTypes, FilterFactoryLookup {

    /** One registered type; {@code owner} is null for a built-in type. */
    record Registration(FilterFactory<?> factory, LoadedPlugin owner) {
    }

    private final Map<String, Registration> builtins;
    private final AtomicReference<Map<String, Registration>> catalog;

    /** A registry without built-in types; {@link PluginHost} fills it. */
    public FilterRegistry() {
        this(List.of());
    }

    /**
     * A registry that always has {@code builtins} (types of Portico itself, such as {@code script}); plugins
     * cannot provide a type of the same name. {@link PluginHost} adds the plugins' types.
     */
    public FilterRegistry(List<FilterFactory<?>> builtins) {
        Map<String, Registration> b = new HashMap<>();
        for (FilterFactory<?> f : builtins) {
            if (b.put(f.type(), new Registration(f, null)) != null) {
                throw new IllegalArgumentException("duplicate built-in filter type '" + f.type() + "'");
            }
        }
        this.builtins = Map.copyOf(b);
        this.catalog = new AtomicReference<>(this.builtins);
    }

    /** Whether {@code type} is built into Portico (not provided by a plugin). */
    public boolean builtin(String type) {
        return builtins.containsKey(type);
    }

    /**
     * The factory for {@code type} in the current catalog, or null when no loaded plugin provides it. The
     * result must not be kept beyond the current call unless a {@link Lease} covers it.
     */
    @Override
    public FilterFactory<?> factory(String type) {
        Registration r = catalog.get().get(type);
        return r == null ? null : r.factory();
    }

    /** {@inheritDoc} Reads the current catalog. */
    @Override
    public Class<? extends Record> configType(String type) {
        FilterFactory<?> f = factory(type);
        return f == null ? null : f.configType();
    }

    /** The type names in the current catalog. */
    public Set<String> types() {
        return Set.copyOf(catalog.get().keySet());
    }

    /** The id of the plugin providing {@code type}, or null. */
    public String pluginOf(String type) {
        Registration r = catalog.get().get(type);
        return r == null || r.owner() == null ? null : r.owner().pluginId();
    }

    /**
     * Pins the whole current catalog: none of its plugin versions is unloaded until the lease is released.
     * Never blocks for long (it retries only if a swap races with it).
     */
    public Lease acquire() {
        return acquire(null);
    }

    /**
     * Pins the plugin versions that currently provide {@code types} (names not registered are ignored); the
     * lease sees only those types. This is what a configuration snapshot should hold: the types its filters
     * use, so a replaced plugin it does not use is unloaded at once. Never blocks for long.
     */
    public Lease acquire(Collection<String> types) {
        Set<String> wanted = types == null ? null : Set.copyOf(types);
        while (true) {
            Map<String, Registration> current = catalog.get();
            if (wanted != null) {
                Map<String, Registration> only = new HashMap<>();
                current.forEach((t, r) -> {
                    if (wanted.contains(t)) {
                        only.put(t, r);
                    }
                });
                current = only;
            }
            List<LoadedPlugin> held = new ArrayList<>();
            boolean ok = true;
            for (LoadedPlugin p : owners(current)) {
                if (!p.acquire()) {
                    ok = false;
                    break;
                }
                held.add(p);
            }
            if (ok) {
                return new Lease(Map.copyOf(current), held);
            }
            held.forEach(LoadedPlugin::release);
        }
    }

    /** Replaces the catalog (host only). */
    void publish(Map<String, Registration> next) {
        Map<String, Registration> merged = new HashMap<>(next);
        merged.putAll(builtins);
        catalog.set(Map.copyOf(merged));
    }

    private static List<LoadedPlugin> owners(Map<String, Registration> c) {
        Map<LoadedPlugin, Boolean> seen = new IdentityHashMap<>();
        List<LoadedPlugin> out = new ArrayList<>();
        for (Registration r : c.values()) {
            if (r.owner() != null && seen.put(r.owner(), Boolean.TRUE) == null) {
                out.add(r.owner());
            }
        }
        return out;
    }

    /**
     * A pinned, immutable view of the catalog: the plugin versions it can see stay loaded until
     * {@link #release()}. Thread-safe. After release, lookups throw {@link IllegalStateException} and the lease
     * keeps no reference to any plugin object.
     */
    public static final class Lease implements FilterTypes, FilterFactoryLookup, AutoCloseable {
        private volatile Map<String, Registration> view;
        private volatile List<LoadedPlugin> held;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Map<String, Registration> view, List<LoadedPlugin> held) {
            this.view = view;
            this.held = List.copyOf(held);
        }

        /** The factory for {@code type} as of {@link FilterRegistry#acquire()}, or null. */
        @Override
        public FilterFactory<?> factory(String type) {
            Registration r = view().get(type);
            return r == null ? null : r.factory();
        }

        @Override
        public Class<? extends Record> configType(String type) {
            FilterFactory<?> f = factory(type);
            return f == null ? null : f.configType();
        }

        /** The type names this lease sees. */
        public Set<String> types() {
            return Set.copyOf(view().keySet());
        }

        /**
         * Gives the pinned versions back; a retired one with no other lease is stopped and unloaded on this
         * thread (so this may block while a plugin's {@code stop()} runs). Idempotent.
         */
        public void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            List<LoadedPlugin> h = held;
            view = Map.of();
            held = List.of();
            h.forEach(LoadedPlugin::release);
        }

        /** Same as {@link #release()}. */
        @Override
        public void close() {
            release();
        }

        private Map<String, Registration> view() {
            if (released.get()) {
                throw new IllegalStateException("this plugin lease was released");
            }
            return view;
        }
    }
}
