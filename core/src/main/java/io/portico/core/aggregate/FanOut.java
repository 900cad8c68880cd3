package io.portico.core.aggregate;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a route's parts for one request: each on its own virtual thread, as soon as every part it waits for
 * succeeded (a part whose dependency failed fails with 424 without being sent). The calling thread
 * coordinates and is the only one that decides outcomes:
 * <ul>
 *   <li>a part still running at its deadline ({@code timeout}, else the upstream's response timeout) is
 *       interrupted (its socket closes) and fails with 504;</li>
 *   <li>at the route's deadline every running part is interrupted and fails with 504, and parts not started
 *       fail too;</li>
 *   <li>when a required part fails, the others are interrupted: the answer is already decided;</li>
 *   <li>when the client goes away ({@link CancelSignal}, watched once the fan-out has run for
 *       {@link #WATCH_AFTER_NANOS}) every running part is interrupted and the run returns null.</li>
 * </ul>
 * No part thread outlives {@link #run}: all are interrupted on the way out (outcomes a part reports after
 * its deadline are ignored). Blocking; one instance per request, used by the calling thread only.
 */
final class FanOut {
    private static final Logger LOG = Logger.getLogger(FanOut.class.getName());
    private static final int GONE = -1;
    private static final int TICK = -2;
    /**
     * How long a fan-out runs before the client connection is watched for a disconnect. Watching costs a
     * virtual thread and an early read per request; a fan-out that ends sooner has nothing worth cancelling.
     */
    static final long WATCH_AFTER_NANOS = 20_000_000L;

    private final List<PartPlan> plans;
    private final AggregateRequest req;
    private final PartCall call;
    private final PartOutcome[] outcomes;
    /** Written by a part's thread before its index is queued; read by the coordinator after taking it. */
    private final PartOutcome[] reported;
    private final Thread[] threads;
    private final long[] started;
    private final long[] deadlines;
    private final LinkedBlockingQueue<Integer> done = new LinkedBlockingQueue<>();

    FanOut(List<PartPlan> plans, AggregateRequest req, PartCall call) {
        this.plans = plans;
        this.req = req;
        this.call = call;
        int n = plans.size();
        this.outcomes = new PartOutcome[n];
        this.reported = new PartOutcome[n];
        this.threads = new Thread[n];
        this.started = new long[n];
        this.deadlines = new long[n];
    }

    /**
     * @param routeDeadline {@link System#nanoTime()} by which everything must be done, or 0 for none
     * @return each part's outcome in configuration order (null for a part that never ran because a required
     *         part failed first), or null when the client went away
     */
    PartOutcome[] run(long routeDeadline) {
        long watchAt = System.nanoTime() + WATCH_AFTER_NANOS;
        CancelSignal.Registration watch = null;
        try {
            startReady();
            while (!finished()) {
                if (watch == null && System.nanoTime() - watchAt >= 0) {
                    watch = req.cancel().whenCancelled(() -> done.add(GONE));
                }
                Integer i = next(routeDeadline, watch == null ? watchAt : 0);
                if (i == GONE) {
                    return null;
                }
                if (i >= 0 && outcomes[i] == null && threads[i] != null) {
                    outcomes[i] = reported[i];
                    threads[i] = null;
                }
                expire(System.nanoTime(), routeDeadline);
                if (requiredFailed()) {
                    return outcomes;
                }
                startReady();
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (watch != null) {
                watch.close();
            }
            for (Thread t : threads) {
                if (t != null) {
                    t.interrupt();
                }
            }
        }
    }

    /**
     * The next finished part's index, {@link #TICK} when a deadline (or {@code watchAt}, when not 0) passed
     * first, {@link #GONE}.
     */
    private Integer next(long routeDeadline, long watchAt) throws InterruptedException {
        long wake = routeDeadline;
        for (int i = 0; i < threads.length; i++) {
            if (threads[i] != null && (wake == 0 || deadlines[i] - wake < 0)) {
                wake = deadlines[i];
            }
        }
        if (watchAt != 0 && (wake == 0 || watchAt - wake < 0)) {
            wake = watchAt;
        }
        if (wake == 0) {
            return done.take();
        }
        Integer i = done.poll(Math.max(0, wake - System.nanoTime()), TimeUnit.NANOSECONDS);
        return i == null ? TICK : i;
    }

    /** Fails (and interrupts) the parts whose deadline passed; at the route's deadline, all unfinished ones. */
    private void expire(long now, long routeDeadline) {
        boolean routeOver = routeDeadline != 0 && now - routeDeadline >= 0;
        for (int i = 0; i < threads.length; i++) {
            if (outcomes[i] != null) {
                continue;
            }
            Thread t = threads[i];
            if (t != null && (routeOver || now - deadlines[i] >= 0)) {
                t.interrupt();
                threads[i] = null;
                long ran = now - started[i];
                outcomes[i] = new PartOutcome.Failed(504, now - deadlines[i] < 0 ? "the route's timeout passed"
                        : "no answer within " + (deadlines[i] - started[i]) / 1_000_000 + " ms", PartOutcome.Cause.TIMEOUT, ran);
            } else if (t == null && routeOver) {
                outcomes[i] = new PartOutcome.Failed(504, "not started before the route's timeout passed",
                        PartOutcome.Cause.TIMEOUT, 0);
            }
        }
    }

    /** Starts every part whose dependencies all succeeded; fails those with a failed dependency. */
    private void startReady() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (PartPlan p : plans) {
                int i = p.index();
                if (outcomes[i] != null || threads[i] != null) {
                    continue;
                }
                String failedDep = null;
                boolean ready = true;
                for (int d : p.after()) {
                    PartOutcome o = outcomes[d];
                    if (o == null) {
                        ready = false;
                    } else if (!(o instanceof PartOutcome.Ok)) {
                        failedDep = plans.get(d).name();
                    }
                }
                if (failedDep != null) {
                    outcomes[i] = new PartOutcome.Failed(424, "depends on part '" + failedDep + "', which failed",
                            PartOutcome.Cause.DEPENDENCY, 0);
                    changed = true;
                } else if (ready) {
                    start(p);
                }
            }
        }
    }

    private void start(PartPlan p) {
        Map<String, JsonNode> deps = new HashMap<>(p.after().length * 2);
        for (int d : p.after()) {
            deps.put(plans.get(d).name(), ((PartOutcome.Ok) outcomes[d]).body());
        }
        int i = p.index();
        started[i] = System.nanoTime();
        deadlines[i] = started[i] + timeoutNanos(p);
        threads[i] = Thread.ofVirtual().name("portico-part-" + p.name()).start(() -> {
            PartOutcome o;
            try {
                o = call.call(p, req, deps);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "request " + req.requestId() + ": part " + p.name() + " failed in the gateway", e);
                o = new PartOutcome.Failed(500, "internal error", PartOutcome.Cause.INTERNAL, 0);
            }
            reported[i] = o;
            done.add(i);
        });
    }

    private long timeoutNanos(PartPlan p) {
        return p.config().timeout().orElseGet(() -> {
            var u = req.upstreams().get(p.config().upstream());
            return u == null ? java.time.Duration.ofSeconds(10) : u.responseTimeout();
        }).toNanos();
    }

    private boolean finished() {
        for (PartOutcome o : outcomes) {
            if (o == null) {
                return false;
            }
        }
        return true;
    }

    private boolean requiredFailed() {
        for (PartPlan p : plans) {
            PartOutcome o = outcomes[p.index()];
            if (!p.config().optional() && o != null && !(o instanceof PartOutcome.Ok)) {
                return true;
            }
        }
        return false;
    }
}
