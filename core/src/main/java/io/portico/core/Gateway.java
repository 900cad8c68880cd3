package io.portico.core;

import io.portico.core.aggregate.Aggregator;
import io.portico.core.aggregate.Aggregators;
import io.portico.core.chain.ChainBuilder;
import io.portico.core.chain.FilterChain;
import io.portico.core.chain.FilterFactoryLookup;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.FilterConfig;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.RouteConfig;
import io.portico.core.plugin.FilterRegistry;
import io.portico.core.route.RouteTable;
import io.portico.core.server.DemoUpstream;
import io.portico.core.server.Admission;
import io.portico.core.server.GatewayServer;
import io.portico.core.server.Snapshot;
import io.portico.core.telemetry.Telemetry;
import io.portico.core.upstream.Upstreams;

import io.portico.core.telemetry.tracing.Tracing;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * One running gateway: the listener, the current routing snapshot and, if configured, the demo upstream.
 *
 * <p>{@link #start(GatewayConfig)} returns once every listener is bound, or throws (having released what
 * it started). {@link #apply(GatewayConfig)} publishes a reloaded configuration's routes and upstreams
 * atomically, without touching the listener. {@link #stop()} drains: it stops accepting, lets requests in
 * flight finish within {@code server.shutdown-grace}, then closes upstream pools. Thread-safe.
 *
 * <p><b>Plugins.</b> When the filter lookup is the plugin host's {@link FilterRegistry}, each configuration
 * in effect holds a {@link FilterRegistry.Lease} on the plugin versions that provide the filter types it uses
 * ({@link #filterLease()}), and its chains are built from factories looked up through that lease. When a
 * reload replaces the configuration, the previous lease is released once the previous snapshot's filtered
 * requests have all ended (counted by its {@link Admission}), which lets a replaced or removed plugin version be unloaded (see {@link #apply}).
 */
public final class Gateway {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    private final GatewayServer server;
    private final DemoUpstream demo;
    private final AtomicReference<Snapshot> snapshot;
    private final FilterFactoryLookup filters;
    private final Telemetry telemetry;
    /** The plugin versions the configuration in effect uses; null when {@link #filters} is no registry. */
    private volatile FilterRegistry.Lease lease;
    /** The configuration in effect: the last applied one, with the sections only a restart changes kept. */
    private volatile GatewayConfig config;
    private volatile ConfigReload reload;
    private boolean stopped; // under this
    private final Tracing tracing;
    private final Aggregators.MergeScripts mergeScripts;

    private Gateway(GatewayConfig config, GatewayServer server, DemoUpstream demo, AtomicReference<Snapshot> snapshot,
                    FilterFactoryLookup filters, FilterRegistry.Lease lease, Telemetry telemetry, Tracing tracing,
                    Aggregators.MergeScripts mergeScripts) {
        this.mergeScripts = mergeScripts;
        this.telemetry = telemetry;
        this.tracing = tracing;
        this.config = config;
        this.filters = filters;
        this.lease = lease;
        this.server = server;
        this.demo = demo;
        this.snapshot = snapshot;
    }

    /**
     * Starts a gateway for a validated configuration.
     *
     * @throws IllegalStateException when a port cannot be bound (the message names the config key)
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, FilterFactoryLookup.none());
    }

    /**
     * Starts a gateway whose filters are created by the factories {@code filters} finds (the plugin
     * registry). The filter chains are built before anything is started. With a {@link FilterRegistry}, the
     * factories come from a lease on the versions {@code config} uses (see {@link #filterLease()}).
     *
     * @throws io.portico.core.chain.ChainException when a filter cannot be created or ordered (each message
     *                                              names the entry's file and line)
     * @throws IllegalStateException                when a port cannot be bound (the message names the config key)
     */
    public static Gateway start(GatewayConfig config, FilterFactoryLookup filters) {
        return start(config, filters, null);
    }

    /**
     * Like {@link #start(GatewayConfig, FilterFactoryLookup)}, reporting to {@code telemetry} (closed by
     * {@link #stop()}); null creates it from {@code telemetry:} (metrics, and the access log it names).
     *
     * @throws java.io.UncheckedIOException when the access-log file cannot be opened
     */
    public static Gateway start(GatewayConfig config, FilterFactoryLookup filters, Telemetry telemetry) {
        return start(config, filters, telemetry, Aggregators.MergeScripts.NONE);
    }

    /**
     * Like {@link #start(GatewayConfig, FilterFactoryLookup, Telemetry)}, with the merge scripts of aggregate
     * routes resolved by {@code mergeScripts} (the script library), here and on every reload.
     *
     * @throws io.portico.core.chain.ChainException also when a merge script is missing or does not load
     */
    public static Gateway start(GatewayConfig config, FilterFactoryLookup filters, Telemetry telemetry,
                                Aggregators.MergeScripts mergeScripts) {
        FilterRegistry.Lease lease = lease(filters, config);
        Map<String, FilterChain> chains;
        try {
            chains = new ChainBuilder(lease != null ? lease : filters, config.server().maxBodySize()).build(config);
        } catch (RuntimeException e) {
            release(lease);
            throw e;
        }
        Telemetry tel;
        try {
            tel = telemetry != null ? telemetry : Telemetry.create(config.telemetry());
        } catch (RuntimeException e) {
            release(lease);
            throw e;
        }
        Map<String, Aggregator> aggregates;
        try {
            aggregates = Aggregators.build(config, mergeScripts, tel.metrics());
        } catch (RuntimeException e) {
            if (telemetry == null) {
                tel.close();
            }
            release(lease);
            throw e;
        }
        DemoUpstream demo = config.demo().enabled() ? new DemoUpstream(config.demo()).start() : null;
        Upstreams upstreams = new Upstreams(config.upstreams());
        AtomicReference<Snapshot> snapshot = new AtomicReference<>(
                new Snapshot(RouteTable.of(config.routes()), upstreams, chains, aggregates));
        tel.metrics().snapshot(snapshot::get);
        // tracing is set up once per process start (telemetry is a restart-only section)
        Tracing tracing = Tracing.create(config.telemetry().tracing());
        try {
            GatewayServer server = new GatewayServer(config.server(), snapshot::get, tel, tracing).start();
            return new Gateway(config, server, demo, snapshot, filters, lease, tel, tracing, mergeScripts);
        } catch (RuntimeException e) {
            tracing.close();
            tel.close();
            upstreams.close();
            if (demo != null) {
                demo.stop();
            }
            release(lease);
            throw e;
        }
    }

    /**
     * The lease of the configuration in effect, or null when the gateway was not given a {@link FilterRegistry}.
     * It sees the filter types the configuration uses, as the versions its chains were built from.
     */
    public FilterRegistry.Lease filterLease() {
        return lease;
    }

    /** A lease on the versions providing the types {@code config} uses, or null when there is no registry. */
    private static FilterRegistry.Lease lease(FilterFactoryLookup filters, GatewayConfig config) {
        return filters instanceof FilterRegistry registry ? registry.acquire(filterTypes(config)) : null;
    }

    private static void release(FilterRegistry.Lease lease) {
        if (lease != null) {
            lease.release();
        }
    }

    /** The filter types {@code config} uses (global and route filters). */
    static Set<String> filterTypes(GatewayConfig config) {
        Set<String> types = new LinkedHashSet<>();
        for (FilterConfig f : config.filters()) {
            types.add(f.type());
        }
        for (RouteConfig r : config.routes()) {
            for (FilterConfig f : r.filters()) {
                types.add(f.type());
            }
        }
        return types;
    }

    /** The request telemetry: metrics (for {@code /metrics}) and the access log. */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** The client-facing port actually bound. */
    public int port() {
        return server.port();
    }

    /** The current routing snapshot. */
    public Snapshot snapshot() {
        return snapshot.get();
    }

    /** The configuration in effect (see {@link #apply(GatewayConfig)} for what a reload changes). */
    public GatewayConfig config() {
        return config;
    }

    /**
     * Watches the configuration file (and what it includes) and applies every valid edit; see
     * {@link ConfigReload}. {@code file} is the path as the user gave it (errors name it so). Idempotent.
     */
    public synchronized Gateway watchConfig(java.nio.file.Path file, ConfigLoader loader) {
        if (reload == null && !stopped) {
            reload = ConfigReload.start(this, file, loader);
        }
        return this;
    }

    /** The config watcher started by {@link #watchConfig}, or null. */
    public ConfigReload reload() {
        return reload;
    }

    /**
     * Re-reads the configuration now, through the watcher {@link #watchConfig} started (a no-op without one):
     * for changes outside the file that decide whether it is valid (a plugin appeared) or what its filters
     * are ({@code rebuild}: a script became usable or changed phase). See {@link ConfigReload#reload(boolean)}.
     */
    public void reloadNow(boolean rebuild) {
        ConfigReload r = reload;
        if (r != null) {
            r.reload(rebuild);
        }
    }

    /**
     * Publishes {@code next}'s routes and upstreams in one atomic swap. Requests already routed finish on
     * the snapshot they started with; unchanged upstreams carry over as they are (pools, health, breakers),
     * changed ones keep their unchanged targets; targets no longer configured are drained (no new
     * requests; their connections close once the requests using them end). {@code server}, {@code admin},
     * {@code demo}, {@code plugins} and {@code scripts} need a restart: a change there is logged and not
     * applied. Filters are created anew from {@code next} (with the lookup given to {@code start}). With a
     * {@link FilterRegistry}, the new configuration takes a lease on the plugin versions it uses and its
     * filters come from there; the previous lease is released as soon as the last filtered request still
     * running on the previous snapshot ends, so a plugin version only the previous configuration used is
     * unloaded then.
     * Serialized with other reloads; never blocks the request path.
     *
     * @throws io.portico.core.chain.ChainException when a filter cannot be created or ordered; nothing changes
     *
     * @return the top-level sections that changed but need a restart (empty when all was applied)
     */
    public synchronized List<String> apply(GatewayConfig next) {
        if (stopped) {
            return List.of();
        }
        GatewayConfig current = config;
        List<String> restart = current.restartOnlyChanges(next);
        RouteTable routes = RouteTable.of(next.routes());
        // new filter instances, created before anything changes; a ChainException leaves the old config serving
        // (a factory of another plugin version than the one next was bound to fails here too: the reload that
        // every plugin change triggers comes next and binds to the version now registered)
        FilterRegistry.Lease nextLease = lease(filters, next);
        Map<String, FilterChain> chains;
        Map<String, Aggregator> aggregates;
        try {
            chains = new ChainBuilder(nextLease != null ? nextLease : filters, current.server().maxBodySize())
                    .build(next);
            aggregates = Aggregators.build(next.withRestartOnly(current), mergeScripts, telemetry.metrics());
        } catch (RuntimeException e) {
            release(nextLease);
            throw e;
        }
        Snapshot old = snapshot.get();
        Upstreams upstreams = new Upstreams(next.upstreams(), old.upstreams());
        snapshot.set(new Snapshot(routes, upstreams, chains, aggregates));
        old.upstreams().retire(upstreams);
        config = next.withRestartOnly(current);
        FilterRegistry.Lease oldLease = lease;
        lease = nextLease;
        if (oldLease != null) {
            releaseWhenIdle(oldLease, old.admission(), current.server().shutdownGrace());
        }

        long kept = next.upstreams().keySet().stream().filter(n -> old.upstreams().keeps(n, upstreams)).count();
        LOG.info(() -> "configuration reloaded: " + next.routes().size() + " route(s), " + next.upstreams().size()
                + " upstream(s), " + kept + " of them unchanged");
        if (!restart.isEmpty()) {
            LOG.warning(() -> "configuration: changes to " + String.join(", ", restart)
                    + " take effect only after a restart; the running values are kept");
        }
        return restart;
    }

    /**
     * Releases a retired configuration's plugin lease as soon as none of its filtered requests is running
     * (its {@link Admission} closes), however long that takes; logs once if requests outlive {@code grace}.
     */
    private static void releaseWhenIdle(FilterRegistry.Lease old, Admission admission, Duration grace) {
        Thread.ofVirtual().name("portico-plugin-lease-release").start(() -> {
            long warnAt = System.nanoTime() + grace.toNanos();
            boolean warned = false;
            try {
                while (!admission.tryClose()) {
                    if (!warned && System.nanoTime() - warnAt > 0) {
                        warned = true;
                        LOG.info(() -> admission.inside() + " request(s) still run on the previous configuration;"
                                + " its plugin versions stay loaded until they end");
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // shutting down: the lease dies with the process
            }
            old.release();
        });
    }

    /** The request tracing ({@link Tracing#OFF} when off). */
    public Tracing tracing() {
        return tracing;
    }

    /** Whether the gateway accepts requests: true from start until {@link #stop()} begins draining. */
    public synchronized boolean serving() {
        return !stopped;
    }

    /** Drains and stops everything; blocks for at most about {@code server.shutdown-grace}. */
    public void stop() {
        ConfigReload r;
        synchronized (this) {
            stopped = true;
            r = reload;
        }
        if (r != null) {
            r.close();
        }
        server.stop();
        tracing.close(); // exports the spans still queued (bounded)
        snapshot.get().upstreams().close();
        release(lease);
        if (demo != null) {
            demo.stop();
        }
        telemetry.close(); // after the drain: the last requests' lines are written
    }
}
