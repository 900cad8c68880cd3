package io.portico.core.upstream;

import io.portico.core.config.UpstreamConfig.ActiveHealth;
import io.portico.core.config.UpstreamConfig.PassiveHealth;

import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The health of one target: the active-check verdict (healthy / unhealthy, from consecutive probe results)
 * and the passive ejection (consecutive request failures eject the target for a while).
 *
 * <p>A target is <em>available</em> when it is healthy and not ejected. Reads ({@link #available(long)})
 * are lock-free: two volatile reads. Recording a request success is lock-free too while nothing is wrong
 * (the common case); every other state change takes this object's monitor, which is off the hot path.
 * Each change of availability runs the {@code onChange} callback (the upstream then rebuilds its list of
 * candidates); an ejection that simply runs out is noticed by the upstream from {@link #ejectedUntil()}.
 *
 * <p>Passive rules: a failure (connect error, timeout, invalid response, or 502/503/504) increments the
 * count of consecutive failures and any success resets it; reaching {@code failures} ejects the target for
 * {@code eject}. After that the target is tried again (half-open): a success readmits it fully, a failure
 * ejects it again at once. Results of requests that were already under way while it is ejected are
 * ignored.
 */
public final class TargetHealth {
    private static final Logger LOG = Logger.getLogger(TargetHealth.class.getName());

    private final String upstream;
    private final String target;
    private final ActiveHealth active;      // null: no active checks
    private final PassiveHealth passive;    // null: no passive checks
    private final LongSupplier clock;       // nanoTime
    private final Runnable onChange;

    private volatile boolean healthy = true;
    private volatile boolean ejected;       // set after ejectedUntil; cleared by the first result after it
    private volatile long ejectedUntil;
    private volatile int failures;          // consecutive request failures (passive)
    private int goodProbes;                 // consecutive (active), under the monitor
    private int badProbes;

    TargetHealth(String upstream, String target, ActiveHealth active, PassiveHealth passive, LongSupplier clock,
                 Runnable onChange) {
        this.upstream = upstream;
        this.target = target;
        this.active = active;
        this.passive = passive;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** Whether the target may receive requests at {@code now} (a {@link System#nanoTime()} value). */
    public boolean available(long now) {
        return healthy && (!ejected || now - ejectedUntil >= 0);
    }

    /** The active-check verdict (always true without active checks). */
    public boolean healthy() {
        return healthy;
    }

    /** Whether the target is ejected at {@code now}. */
    public boolean ejectedAt(long now) {
        return ejected && now - ejectedUntil < 0;
    }

    /** When the current or last ejection ends ({@link System#nanoTime()} scale); meaningful while ejected. */
    public long ejectedUntil() {
        return ejectedUntil;
    }

    /** Consecutive request failures counted so far. */
    public int consecutiveFailures() {
        return failures;
    }

    // ---- passive ----

    /** A request got a response that counts as success (any status but 502, 503, 504). */
    public void requestSucceeded() {
        if (passive == null || (failures == 0 && !ejected)) {
            return; // lock-free fast path
        }
        synchronized (this) {
            long now = clock.getAsLong();
            if (ejected) {
                if (now - ejectedUntil < 0) {
                    return; // a request that started before the ejection
                }
                ejected = false;
                LOG.info(() -> "upstream " + upstream + " target " + target + " is readmitted after ejection");
            }
            failures = 0;
        }
    }

    /** A request failed (connect error, timeout, invalid response, or 502/503/504). */
    public void requestFailed(String reason) {
        if (passive == null) {
            return;
        }
        synchronized (this) {
            long now = clock.getAsLong();
            if (ejected) {
                if (now - ejectedUntil < 0) {
                    return; // still ejected: a straggler, already accounted for
                }
                eject(now, "the first request after ejection failed: " + reason);
                return;
            }
            int f = failures + 1;
            if (f >= passive.failures()) {
                eject(now, f + " consecutive failures, last: " + reason);
            } else {
                failures = f;
            }
        }
    }

    private void eject(long now, String why) {
        ejectedUntil = now + passive.eject().toNanos();
        ejected = true;
        failures = 0;
        onChange.run(); // before logging: the balancer must stop offering the target at once
        LOG.info(() -> "upstream " + upstream + " target " + target + " is ejected for " + passive.eject()
                .toString().substring(2).toLowerCase(java.util.Locale.ROOT) + " (" + why + ")");
    }

    // ---- active ----

    /** A health probe answered 2xx or 3xx in time. */
    public synchronized void probeSucceeded() {
        if (active == null) {
            return;
        }
        badProbes = 0;
        goodProbes++;
        if (!healthy && goodProbes >= active.healthy()) {
            healthy = true;
            onChange.run();
            int n = goodProbes;
            LOG.info(() -> "upstream " + upstream + " target " + target + " is now healthy (" + n
                    + " successful probes)");
        }
    }

    /** A health probe failed: no connection, no answer in time, invalid or non-2xx/3xx answer. */
    public synchronized void probeFailed(String reason) {
        if (active == null) {
            return;
        }
        goodProbes = 0;
        badProbes++;
        if (healthy && badProbes >= active.unhealthy()) {
            healthy = false;
            onChange.run();
            int n = badProbes;
            LOG.info(() -> "upstream " + upstream + " target " + target + " is now unhealthy (" + n
                    + " failed probes: " + reason + ")");
        }
    }

    @Override
    public String toString() {
        return (healthy ? "healthy" : "unhealthy") + (ejected ? ", ejected" : "") + ", failures " + failures;
    }
}
