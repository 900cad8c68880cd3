package io.portico.core.telemetry;

import io.portico.core.aggregate.PartObserver;
import io.portico.core.chain.FilterChain;
import io.portico.core.chain.FilterEntry;
import io.portico.core.chain.FilterStats;
import io.portico.core.plugin.PluginStatus;
import io.portico.core.script.ScriptSlot;
import io.portico.core.script.ScriptStats;
import io.portico.core.script.ScriptVersion;
import io.portico.core.server.Snapshot;
import io.portico.core.upstream.CircuitBreaker;
import io.portico.core.upstream.Target;
import io.portico.core.upstream.Upstream;
import io.portico.core.upstream.UpstreamFailure;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics (Prometheus Java client 1.x, its own registry: nothing global).
 *
 * <p>Recorded on the request path, pre-bound: {@code portico_requests_total{route,method,status_class}},
 * {@code portico_request_duration_seconds{route}}, {@code portico_upstream_request_duration_seconds{upstream,target}},
 * {@code portico_upstream_errors_total{upstream,target,kind}}, {@code portico_retries_total{upstream}},
 * {@code portico_aggregate_parts_total{route,part,outcome}}, {@code portico_aggregate_part_duration_seconds{route,part}},
 * {@code portico_requests_in_flight}, {@code portico_access_log_dropped_total},
 * {@code portico_config_reloads_total{result}}. A route's data points are looked up once per request by route id
 * (one hash lookup, no string building); a target's by identity.
 *
 * <p>Read at scrape time from the state the gateway already keeps: target health and circuit state, per-filter
 * stats and plugin-reported counters/timers (of the configuration in effect), per-script stats, loaded plugins;
 * plus the JVM's own metrics. See {@code docs/observability.md}.
 */
public final class GatewayMetrics implements RequestObserver, PartObserver {
    /** The {@code Content-Type} of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The route label of filters shared by every route ({@code filters:} at the top level). */
    public static final String GLOBAL_ROUTE = "*";
    static final double[] REQUEST_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder().build();
    private final Counter requests;
    private final Histogram duration;
    private final Histogram upstreamDuration;
    private final Counter upstreamErrors;
    private final Counter retries;
    private final Gauge inFlight;
    private final Counter accessLogDropped;
    private final CounterDataPoint reloadsOk;
    private final CounterDataPoint reloadsFailed;
    private final Map<String, RouteSeries> routes = new ConcurrentHashMap<>();
    private final RouteSeries noRoute;
    private final Map<Target, TargetSeries> targets = new ConcurrentHashMap<>();
    private final Map<String, CounterDataPoint> retriesByUpstream = new ConcurrentHashMap<>();
    private final Counter aggregateParts;
    private final Histogram aggregatePartDuration;
    /** Aggregate part data points by route, part and outcome (joined with NUL). */
    private final Map<String, CounterDataPoint> partCounts = new ConcurrentHashMap<>();
    private final Map<String, DistributionDataPoint> partDurations = new ConcurrentHashMap<>();

    private volatile Supplier<Snapshot> snapshot = () -> null;
    private volatile Supplier<List<ScriptSlot>> scripts = List::of;
    private volatile Supplier<List<PluginStatus>> plugins = List::of;

    public GatewayMetrics() {
        requests = Counter.builder().name("portico_requests").help("Client requests answered, by route id, method and status class.")
                .labelNames("route", "method", "status_class").withoutExemplars().register(registry);
        duration = Histogram.builder().name("portico_request_duration_seconds")
                .help("Time from the start of handling to the last response byte, by route id.")
                .labelNames("route").classicOnly().classicUpperBounds(REQUEST_BUCKETS).withoutExemplars().register(registry);
        upstreamDuration = Histogram.builder().name("portico_upstream_request_duration_seconds")
                .help("Time from sending to an upstream target to its response head (or failure), per attempt.")
                .labelNames("upstream", "target").classicOnly().classicUpperBounds(REQUEST_BUCKETS).withoutExemplars()
                .register(registry);
        upstreamErrors = Counter.builder().name("portico_upstream_errors")
                .help("Failed upstream attempts by kind: connect, connect_timeout, timeout, protocol, circuit_open.")
                .labelNames("upstream", "target", "kind").withoutExemplars().register(registry);
        retries = Counter.builder().name("portico_retries").help("Requests tried again on another target, by upstream.")
                .labelNames("upstream").withoutExemplars().register(registry);
        inFlight = Gauge.builder().name("portico_requests_in_flight").help("Client requests being handled now.")
                .withoutExemplars().register(registry);
        accessLogDropped = Counter.builder().name("portico_access_log_dropped")
                .help("Access-log lines dropped because the writer could not keep up (queue full).")
                .withoutExemplars().register(registry);
        Counter reloads = Counter.builder().name("portico_config_reloads")
                .help("Configuration reload attempts that applied a new configuration (ok) or were rejected (failed).")
                .labelNames("result").withoutExemplars().register(registry);
        reloadsOk = reloads.labelValues("ok");
        reloadsFailed = reloads.labelValues("failed");
        aggregateParts = Counter.builder().name("portico_aggregate_parts")
                .help("Aggregate route parts finished, by route id, part and outcome (ok, or the failure class).")
                .labelNames("route", "part", "outcome").withoutExemplars().register(registry);
        aggregatePartDuration = Histogram.builder().name("portico_aggregate_part_duration_seconds")
                .help("Time from a part's start (after its dependencies) to its end, by route id and part.")
                .labelNames("route", "part").classicOnly().classicUpperBounds(REQUEST_BUCKETS).withoutExemplars()
                .register(registry);
        noRoute = new RouteSeries(LabelValues.NO_ROUTE);
        registry.register(new StateCollector());
        // the JVM collectors read the platform MBeans, whose first use costs about a second of a cold start:
        // they are registered off the start-up path, so a scrape in the first second may lack the jvm_* series
        Thread.ofPlatform().daemon().name("portico-jvm-metrics").start(() -> JvmMetrics.builder().register(registry));
    }

    /** Where the scrape-time metrics read the configuration in effect (routes, upstreams, filter chains). */
    public void snapshot(Supplier<Snapshot> snapshot) {
        this.snapshot = snapshot;
    }

    /** Where the script metrics come from. */
    public void scripts(Supplier<List<ScriptSlot>> scripts) {
        this.scripts = scripts;
    }

    /** Where {@code portico_plugins_loaded} comes from. */
    public void plugins(Supplier<List<PluginStatus>> plugins) {
        this.plugins = plugins;
    }

    /** The registry (for more collectors). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Everything, in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---- request path ----

    void requestStarted() {
        inFlight.inc();
    }

    void requestEnded() {
        inFlight.dec();
    }

    void accessLogDropped() {
        accessLogDropped.inc();
    }

    /** A configuration reload was applied ({@code ok}) or rejected. */
    public void configReload(boolean ok) {
        (ok ? reloadsOk : reloadsFailed).inc();
    }

    @Override
    public void completed(RequestRecord r) {
        RouteSeries s = r.routeId() == null ? noRoute : routes.get(r.routeId());
        if (s == null) {
            s = routes.computeIfAbsent(r.routeId(), RouteSeries::new);
        }
        s.count(LabelValues.methodIndex(r.method()), LabelValues.statusIndex(r.status()));
        s.duration.observe(r.durationNanos() / 1e9);
        if (r.retries() > 0 && r.upstream() != null) {
            retriesByUpstream.computeIfAbsent(r.upstream(), retries::labelValues).inc(r.retries());
        }
    }

    @Override
    public void part(String route, String part, String outcome, long nanos) {
        String key = route + '\0' + part;
        CounterDataPoint c = partCounts.get(key + '\0' + outcome);
        if (c == null) {
            c = partCounts.computeIfAbsent(key + '\0' + outcome, k -> aggregateParts.labelValues(route, part, outcome));
        }
        c.inc();
        DistributionDataPoint d = partDurations.get(key);
        if (d == null) {
            d = partDurations.computeIfAbsent(key, k -> aggregatePartDuration.labelValues(route, part));
        }
        d.observe(nanos / 1e9);
    }

    /** One upstream attempt (called by {@link RequestProgress#attempt}). */
    void upstreamAttempt(String upstream, Target target, long nanos, UpstreamFailure.Kind failure) {
        TargetSeries t = series(upstream, target);
        t.duration.observe(nanos / 1e9);
        if (failure != null) {
            t.errors[failure.ordinal()].inc();
        }
    }

    String targetLabel(Target target) {
        TargetSeries t = targets.get(target);
        return t != null ? t.label : LabelValues.target(target.url());
    }

    private TargetSeries series(String upstream, Target target) {
        TargetSeries t = targets.get(target);
        if (t == null) {
            t = targets.computeIfAbsent(target, k -> new TargetSeries(upstream, k));
        }
        return t;
    }

    /** A route's data points, bound on first use: [method][status class] counters and the duration histogram. */
    private final class RouteSeries {
        private final String route;
        private final CounterDataPoint[] counts = new CounterDataPoint[LabelValues.METHODS.length
                * LabelValues.STATUS_CLASSES.length];
        final DistributionDataPoint duration;

        RouteSeries(String route) {
            this.route = route;
            this.duration = GatewayMetrics.this.duration.labelValues(route);
        }

        void count(int method, int statusClass) {
            int i = method * LabelValues.STATUS_CLASSES.length + statusClass;
            CounterDataPoint c = counts[i];
            if (c == null) {
                c = requests.labelValues(route, LabelValues.METHODS[method], LabelValues.STATUS_CLASSES[statusClass]);
                counts[i] = c; // a racing second bind gets the same data point from the counter
            }
            c.inc();
        }
    }

    private final class TargetSeries {
        final String label;
        final DistributionDataPoint duration;
        final CounterDataPoint[] errors;

        TargetSeries(String upstream, Target target) {
            this.label = LabelValues.target(target.url());
            this.duration = upstreamDuration.labelValues(upstream, label);
            UpstreamFailure.Kind[] kinds = UpstreamFailure.Kind.values();
            this.errors = new CounterDataPoint[kinds.length];
            for (UpstreamFailure.Kind k : kinds) {
                errors[k.ordinal()] = upstreamErrors.labelValues(upstream, label,
                        k.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    // ---- scrape time ----

    /** Reads health, circuits, filter and script stats and plugins when scraped. */
    private final class StateCollector implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> out = new ArrayList<>();
            Snapshot snap = snapshot.get();
            if (snap != null) {
                targets(snap, out);
                filters(snap, out);
            }
            scripts(out);
            plugins(out);
            return new MetricSnapshots(out);
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("portico_target_healthy", "portico_circuit_state", "portico_filter_invocations",
                    "portico_filter_errors", "portico_filter_duration_seconds", "portico_plugin_events",
                    "portico_plugin_timer_seconds", "portico_script_invocations", "portico_script_errors",
                    "portico_script_timeouts", "portico_script_busy", "portico_script_duration_seconds",
                    "portico_plugins_loaded");
        }

        private void targets(Snapshot snap, List<MetricSnapshot> out) {
            long now = System.nanoTime();
            GaugeSnapshot.Builder healthy = GaugeSnapshot.builder().name("portico_target_healthy")
                    .help("1 when the target may receive requests (active checks pass, not ejected), else 0.");
            GaugeSnapshot.Builder circuit = GaugeSnapshot.builder().name("portico_circuit_state")
                    .help("Circuit breaker state: 0 closed, 1 open, 2 half-open (0 without a breaker).");
            Set<Target> current = Collections.newSetFromMap(new IdentityHashMap<>());
            Set<String> seen = new java.util.HashSet<>();
            for (Upstream u : snap.upstreams().all()) {
                for (Target t : u.targets()) {
                    current.add(t);
                    String label = LabelValues.target(t.url());
                    if (!seen.add(u.name() + "\u0000" + label)) {
                        continue; // the same URL twice in one upstream: one series
                    }
                    Labels labels = Labels.of("upstream", u.name(), "target", label);
                    healthy.dataPoint(gauge(labels, t.health().available(now) ? 1 : 0));
                    CircuitBreaker b = t.breaker();
                    circuit.dataPoint(gauge(labels, b == null ? 0 : b.stateCode(now)));
                }
            }
            targets.keySet().retainAll(current); // forget retired targets' bindings (their series stay)
            out.add(healthy.build());
            out.add(circuit.build());
        }

        private void filters(Snapshot snap, List<MetricSnapshot> out) {
            // a global filter's entry is shared by every route's chain: count it once, as route "*"
            Set<FilterEntry> done = Collections.newSetFromMap(new IdentityHashMap<>());
            Map<List<String>, long[]> stats = new LinkedHashMap<>();
            Map<List<String>, long[]> events = new LinkedHashMap<>();
            Map<List<String>, long[]> timers = new LinkedHashMap<>();
            for (FilterChain chain : snap.chains().values()) {
                for (FilterEntry e : chain.entries()) {
                    if (!done.add(e)) {
                        continue;
                    }
                    String route = e.context() != null && e.context().routeId() != null ? e.context().routeId()
                            : GLOBAL_ROUTE;
                    FilterStats s = e.stats();
                    long[] a = stats.computeIfAbsent(List.of(route, e.type()), k -> new long[3]);
                    if (s != null) {
                        a[0] += s.calls(FilterStats.Callback.REQUEST);
                        a[1] += s.failures();
                        for (FilterStats.Callback c : FilterStats.Callback.values()) {
                            a[2] += s.totalNanos(c);
                        }
                    }
                    if (e.context() != null) {
                        e.context().metrics().counters().forEach((name, v) ->
                                events.computeIfAbsent(List.of(e.type(), route, name), k -> new long[1])[0] += v);
                        e.context().metrics().timers().forEach((name, v) -> {
                            long[] t = timers.computeIfAbsent(List.of(e.type(), route, name), k -> new long[2]);
                            t[0] += v[0];
                            t[1] += v[1];
                        });
                    }
                }
            }
            CounterSnapshot.Builder inv = CounterSnapshot.builder().name("portico_filter_invocations")
                    .help("Requests that reached the filter (its onRequest calls), by route id and filter type.");
            CounterSnapshot.Builder err = CounterSnapshot.builder().name("portico_filter_errors")
                    .help("Calls of the filter that threw (any callback), by route id and filter type.");
            SummarySnapshot.Builder dur = SummarySnapshot.builder().name("portico_filter_duration_seconds")
                    .help("Time spent in the filter (all callbacks) over its invocations: _sum/_count is the mean per request.");
            stats.forEach((k, a) -> {
                Labels l = Labels.of("route", k.get(0), "filter", k.get(1));
                inv.dataPoint(counter(l, a[0]));
                err.dataPoint(counter(l, a[1]));
                dur.dataPoint(summary(l, a[0], a[2]));
            });
            CounterSnapshot.Builder ev = CounterSnapshot.builder().name("portico_plugin_events")
                    .help("Counters filters report through FilterContext.metrics() (e.g. rate-limit 'limited'), by name.");
            events.forEach((k, a) -> ev.dataPoint(
                    counter(Labels.of("filter", k.get(0), "route", k.get(1), "name", k.get(2)), a[0])));
            SummarySnapshot.Builder tm = SummarySnapshot.builder().name("portico_plugin_timer_seconds")
                    .help("Durations filters report through FilterContext.metrics(), by name.");
            timers.forEach((k, a) -> tm.dataPoint(
                    summary(Labels.of("filter", k.get(0), "route", k.get(1), "name", k.get(2)), a[0], a[1])));
            out.add(inv.build());
            out.add(err.build());
            out.add(dur.build());
            out.add(ev.build());
            out.add(tm.build());
        }

        private void scripts(List<MetricSnapshot> out) {
            CounterSnapshot.Builder inv = CounterSnapshot.builder().name("portico_script_invocations")
                    .help("Calls of a script version (onRequest, onResponse, merge), by file and short hash.");
            CounterSnapshot.Builder err = CounterSnapshot.builder().name("portico_script_errors")
                    .help("Calls that threw, rejected or failed in the engine.");
            CounterSnapshot.Builder tmo = CounterSnapshot.builder().name("portico_script_timeouts")
                    .help("Calls cancelled for running over their time budget.");
            CounterSnapshot.Builder busy = CounterSnapshot.builder().name("portico_script_busy")
                    .help("Calls refused because every context of the script was busy.");
            HistogramSnapshot.Builder dur = HistogramSnapshot.builder().name("portico_script_duration_seconds")
                    .help("Script call latency, borrowing a context included.");
            double[] bounds = new double[ScriptStats.BUCKET_BOUNDS_NANOS.length + 1];
            for (int i = 0; i < ScriptStats.BUCKET_BOUNDS_NANOS.length; i++) {
                bounds[i] = ScriptStats.BUCKET_BOUNDS_NANOS[i] / 1e9;
            }
            bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
            Set<String> seen = new java.util.HashSet<>();
            for (ScriptSlot slot : scripts.get()) {
                ScriptVersion v = slot.current();
                if (v == null || !seen.add(slot.name() + "\u0000" + v.shortHash())) {
                    continue;
                }
                ScriptStats s = v.stats();
                Labels l = Labels.of("file", slot.name(), "hash", v.shortHash());
                inv.dataPoint(counter(l, s.invocations()));
                err.dataPoint(counter(l, s.errors()));
                tmo.dataPoint(counter(l, s.timeouts()));
                busy.dataPoint(counter(l, s.busy()));
                dur.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(l)
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.bucketCounts()))
                        .sum(s.totalNanos() / 1e9).build());
            }
            out.add(inv.build());
            out.add(err.build());
            out.add(tmo.build());
            out.add(busy.build());
            out.add(dur.build());
        }

        private void plugins(List<MetricSnapshot> out) {
            GaugeSnapshot.Builder g = GaugeSnapshot.builder().name("portico_plugins_loaded")
                    .help("1 for each active plugin version, by plugin id and version.");
            Set<List<String>> seen = new java.util.HashSet<>();
            for (PluginStatus p : plugins.get()) {
                if (p.state() != PluginStatus.State.ACTIVE || p.pluginId() == null) {
                    continue;
                }
                List<String> key = List.of(p.pluginId(), p.version() == null ? "" : p.version());
                if (seen.add(key)) {
                    g.dataPoint(gauge(Labels.of("plugin", key.get(0), "version", key.get(1)), 1));
                }
            }
            out.add(g.build());
        }

        private static CounterSnapshot.CounterDataPointSnapshot counter(Labels labels, double value) {
            return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
        }

        /** A count and a total given in nanoseconds, exported in seconds. */
        private static SummarySnapshot.SummaryDataPointSnapshot summary(Labels labels, long count, long totalNanos) {
            return SummarySnapshot.SummaryDataPointSnapshot.builder().labels(labels).count(count)
                    .sum(totalNanos / 1e9).build();
        }

        private static GaugeSnapshot.GaugeDataPointSnapshot gauge(Labels labels, double value) {
            return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
        }
    }
}
