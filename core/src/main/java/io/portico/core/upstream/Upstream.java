package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig;
import io.portico.core.upstream.balance.Balancer;
import io.portico.core.upstream.balance.Balancers;
import io.portico.core.upstream.balance.PickContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.portico.core.config.TargetConfig;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named set of targets, each with its own keep-alive connection pool, the upstream's balancer and its
 * timeouts.
 *
 * <p>Thread-safe: {@link #pick(PickContext)} may be called from any number of virtual threads (see
 * {@link Balancer} for its cost). Only available targets are candidates: healthy by the active checks
 * and not ejected by the passive ones (see {@link TargetHealth}); the candidate list is rebuilt only when
 * availability changes. Pools are never shared between upstreams, so one slow upstream cannot starve another.
 */
public final class Upstream {
    /** Idle pooled connections kept per target. */
    static final int MAX_IDLE_PER_TARGET = 256;
    /** A pooled connection idle for longer is closed rather than reused. */
    static final Duration POOL_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final UpstreamConfig config;
    private final String name;
    private final List<Target> targets;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Balancer balancer;
    private final int retryAttempts;
    private final RetryBudget retryBudget = new RetryBudget();
    private final UpstreamConfig.ActiveHealth active;   // null: none
    private final UpstreamConfig.PassiveHealth passive; // null: none
    private final UpstreamConfig.CircuitBreakerConfig circuit; // null: none
    /** Bumped on every availability change a target reports; a {@link View} of an older generation is stale. */
    private final AtomicLong generation = new AtomicLong();
    private volatile View view;

    /** The available targets as of {@code generation}; also stale at {@code recheckAt} when {@code timed}. */
    private record View(List<Target> available, long generation, boolean timed, long recheckAt) {
    }

    public Upstream(UpstreamConfig config) {
        this(config, null);
    }

    /**
     * An upstream for {@code config} that takes over the targets of {@code previous} (the same upstream in the
     * configuration being replaced, or null) whose URL and weight are unchanged, when the settings that shape
     * a target's state (health checks, circuit breaker, timeouts) are unchanged too: they keep their pooled
     * connections, health, breaker and in-flight counts. Call {@link #retireUnused(Upstream)} on the previous
     * one once this one is published.
     */
    Upstream(UpstreamConfig config, Upstream previous) {
        this.config = config;
        this.name = config.name();
        this.active = config.health().flatMap(UpstreamConfig.HealthConfig::active).orElse(null);
        this.passive = config.health().flatMap(UpstreamConfig.HealthConfig::passive).orElse(null);
        this.circuit = config.circuitBreaker().orElse(null);
        Runnable onChange = generation::incrementAndGet;
        Duration trialTimeout = config.connectTimeout().plus(config.responseTimeout());
        Map<TargetConfig, Target> reusable = previous != null && sameTargetState(previous.config, config)
                ? previous.targets.stream().collect(Collectors.toMap(Target::config, t -> t))
                : Map.of();
        this.targets = config.targets().stream().map(t -> {
            Target kept = reusable.get(t);
            if (kept != null) {
                kept.onChange(onChange);
                return kept;
            }
            return new Target(t, config.name(), active, passive, circuit, trialTimeout, onChange);
        }).toList();
        this.connectTimeout = config.connectTimeout();
        this.responseTimeout = config.responseTimeout();
        this.balancer = Balancers.create(config);
        this.retryAttempts = config.retries().attempts();
    }

    private static boolean sameTargetState(UpstreamConfig a, UpstreamConfig b) {
        return a.health().equals(b.health()) && a.circuitBreaker().equals(b.circuitBreaker())
                && a.connectTimeout().equals(b.connectTimeout()) && a.responseTimeout().equals(b.responseTimeout());
    }

    /** The configuration this upstream was built from. */
    public UpstreamConfig config() {
        return config;
    }

    /** Retires (see {@link Target#retire()}) every target of this upstream that {@code next} does not use. */
    void retireUnused(Upstream next) {
        for (Target t : targets) {
            if (next == null || !next.targets.contains(t)) {
                t.retire();
            }
        }
    }

    /** {@code retries.attempts}: extra tries allowed after a failed attempt (0 = none). */
    public int retryAttempts() {
        return retryAttempts;
    }

    /** The budget that caps this upstream's retries at about 20% of its requests. */
    public RetryBudget retryBudget() {
        return retryBudget;
    }

    public String name() {
        return name;
    }

    public List<Target> targets() {
        return targets;
    }

    /** The upstream's response timeout (a route may override it per request). */
    public Duration responseTimeout() {
        return responseTimeout;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    ConnectionPool pool(Target target) {
        return target.pool();
    }

    /**
     * The target for a request, chosen by the configured balancer.
     *
     * @param ctx the request, consulted only by {@code consistent-hash}
     * @return a target, or null when the upstream has none available (answer 503)
     */
    public Target pick(PickContext ctx) {
        return balancer.pick(available(), ctx);
    }

    /**
     * The target for a retry: an available target not in {@code tried}, the one with the fewest requests in
     * flight per unit of weight (ties broken at random). When every available target was tried, the upstream's
     * only target if it has just one and it is available; otherwise null (no retry).
     *
     * <p>The balancer is deliberately not asked: its derived state (hash ring, weight counters) is cached per
     * candidate list, and a retry-only list would rebuild it twice per retry and skew the regular picks.
     */
    public Target pickRetry(Set<Target> tried) {
        List<Target> available = available();
        Target best = null;
        double bestLoad = Double.MAX_VALUE;
        int n = available.size();
        int start = n > 1 ? ThreadLocalRandom.current().nextInt(n) : 0;
        for (int i = 0; i < n; i++) {
            Target t = available.get((start + i) % n);
            if (tried.contains(t)) {
                continue;
            }
            double load = (double) t.inFlight() / t.weight();
            if (load < bestLoad) {
                best = t;
                bestLoad = load;
            }
        }
        if (best == null && targets.size() == 1 && n == 1) {
            best = available.get(0);
        }
        return best;
    }

    /**
     * The targets available now (healthy and not ejected). The same immutable list instance is returned
     * until availability changes, so balancers can cache state per list.
     */
    public List<Target> available() {
        if (active == null && passive == null && circuit == null) {
            return targets;
        }
        View v = view;
        if (v == null || v.generation != generation.get() || (v.timed && System.nanoTime() - v.recheckAt >= 0)) {
            v = rebuild();
        }
        return v.available;
    }

    private synchronized View rebuild() {
        long gen = generation.get(); // read first: a change during the scan makes this view stale at once
        long now = System.nanoTime();
        List<Target> up = new ArrayList<>(targets.size());
        boolean timed = false;
        long recheckAt = 0;
        for (Target t : targets) {
            TargetHealth h = t.health();
            CircuitBreaker cb = t.breaker();
            if (t.pickable(now)) {
                up.add(t);
                continue;
            }
            // a reason that runs out by itself: look again then
            long until = 0;
            boolean ends = false;
            if (h.healthy() && h.ejectedAt(now)) {
                until = h.ejectedUntil();
                ends = true;
            }
            if (cb != null && cb.openAt(now) && (!ends || cb.openUntil() - until > 0)) {
                until = cb.openUntil();
                ends = true;
            }
            if (ends && (!timed || until - recheckAt < 0)) {
                recheckAt = until;
                timed = true;
            }
        }
        View old = view;
        List<Target> list;
        if (up.size() == targets.size()) {
            list = targets;
        } else if (old != null && old.available.equals(up)) {
            list = old.available; // same set: keep the identity balancers cache by
        } else {
            list = List.copyOf(up);
        }
        View v = new View(list, gen, timed, recheckAt);
        view = v;
        return v;
    }

    /**
     * Seconds a client should wait before retrying when no target is available: until the earliest
     * ejection or open circuit ends, else one active-check interval; at least 1. 0 when this upstream has
     * neither health checks nor a circuit breaker (no {@code Retry-After} then).
     */
    public long retryAfterSeconds() {
        if (active == null && passive == null && circuit == null) {
            return 0;
        }
        long now = System.nanoTime();
        long earliest = Long.MAX_VALUE;
        for (Target t : targets) {
            TargetHealth h = t.health();
            long wait = 0;
            if (h.ejectedAt(now)) {
                wait = h.ejectedUntil() - now;
            }
            CircuitBreaker cb = t.breaker();
            if (cb != null && cb.openAt(now)) {
                wait = Math.max(wait, cb.openUntil() - now);
            }
            if (wait > 0) {
                earliest = Math.min(earliest, wait);
            }
        }
        long nanos = earliest != Long.MAX_VALUE ? earliest : active != null ? active.interval().toNanos() : 0;
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Whether no target can be picked now because every one that is otherwise up has its circuit open. */
    public boolean circuitOpen() {
        if (circuit == null) {
            return false;
        }
        long now = System.nanoTime();
        boolean any = false;
        for (Target t : targets) {
            if (t.health().available(now)) {
                if (!t.breaker().openAt(now) && t.breaker().allows(now)) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    /** Active health check settings, or null when none are configured. */
    UpstreamConfig.ActiveHealth activeHealth() {
        return active;
    }

    /** Closes idle pooled connections; requests in flight are not interrupted. */
    public void close() {
        targets.forEach(t -> t.pool().close());
    }
}
