package io.portico.core.aggregate;

import io.portico.core.config.AggregateConfig;
import io.portico.core.config.PartConfig;
import io.portico.core.config.RouteConfig;
import io.portico.core.upstream.ProxyClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One aggregate route, ready to serve: its parts (see {@link FanOut} for how they run), its merge strategy,
 * and the route's {@code timeout} as the deadline for the whole fan-out.
 *
 * <p>{@link #run} answers: every required part succeeded → the merged body (200; {@code partial} when an
 * optional part failed, listed in {@code _portico.errors}); a required part failed → a problem naming it:
 * 504 when it timed out, 400 when the request lacks a value its templates need, 502 otherwise (its own
 * status, a failed dependency, an unusable answer). Immutable and thread-safe; built per configuration.
 */
public final class Aggregator {
    private final String routeId;
    private final List<PartPlan> plans;
    private final Merger merger;
    private final Duration routeTimeout; // null: none
    private final PartCall call;
    private final PartObserver observer;

    Aggregator(RouteConfig route, Merger merger, long maxBody, PartObserver observer) {
        AggregateConfig agg = route.aggregate().orElseThrow();
        List<String> names = agg.parts().stream().map(PartConfig::name).toList();
        List<PartPlan> p = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            p.add(PartPlan.of(agg.parts().get(i), i, names));
        }
        this.routeId = route.id();
        this.plans = List.copyOf(p);
        this.merger = merger;
        this.routeTimeout = route.timeout().orElse(null);
        this.call = new PartCall(new ProxyClient(), maxBody);
        this.observer = observer;
    }

    /**
     * Fans out, waits and merges. Blocking, on the request's thread (parts run on their own virtual threads,
     * none outlives the call); returns {@link AggregateResult.Cancelled} when the client went away.
     */
    public AggregateResult run(AggregateRequest req) {
        long deadline = routeTimeout == null ? 0 : (System.nanoTime() + routeTimeout.toNanos()) | 1;
        PartOutcome[] out = new FanOut(plans, req, call).run(deadline);
        if (out == null) {
            return new AggregateResult.Cancelled();
        }
        PartPlan failed = null;
        List<Merger.PartError> errors = new ArrayList<>(0);
        for (PartPlan p : plans) {
            PartOutcome o = out[p.index()];
            if (o == null) {
                continue;
            }
            observer.part(routeId, p.name(), o instanceof PartOutcome.Failed f ? f.cause().label() : "ok", o.nanos());
            if (o instanceof PartOutcome.Failed f) {
                if (!p.config().optional()) {
                    // report the root cause rather than a part that only failed for want of it
                    if (failed == null || (((PartOutcome.Failed) out[failed.index()]).cause() == PartOutcome.Cause.DEPENDENCY
                            && f.cause() != PartOutcome.Cause.DEPENDENCY)) {
                        failed = p;
                    }
                } else {
                    errors.add(new Merger.PartError(p.name(), f.status(), f.title()));
                }
            }
        }
        if (failed != null) {
            return problem(failed.name(), (PartOutcome.Failed) out[failed.index()]);
        }
        return merger.merge(plans, out, errors, req);
    }

    private static AggregateResult.Failed problem(String part, PartOutcome.Failed f) {
        return switch (f.cause()) {
            case TIMEOUT -> new AggregateResult.Failed(504, "aggregate-part-timeout", "Gateway Timeout",
                    "Part '" + part + "' failed: " + f.title() + ".");
            case BAD_INPUT -> new AggregateResult.Failed(400, "aggregate-bad-input", "Bad Request",
                    "Part '" + part + "' cannot be requested: " + f.title() + ".");
            default -> new AggregateResult.Failed(502, "aggregate-part-failed", "Bad Gateway",
                    "Part '" + part + "' failed: " + f.title() + ".");
        };
    }
}
