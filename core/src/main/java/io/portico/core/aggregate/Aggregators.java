package io.portico.core.aggregate;

import io.portico.core.chain.ChainException;
import io.portico.core.config.AggregateConfig;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.RouteConfig;
import io.portico.core.script.ScriptSlot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds the {@link Aggregator}s of a configuration. Stateless. */
public final class Aggregators {

    /** Resolves a merge script file (relative to {@code scripts.dir}) to its slot, compiling it if needed. */
    @FunctionalInterface
    public interface MergeScripts extends Function<String, ScriptSlot> {
        /** No scripts: a route with a merge script is an error. */
        MergeScripts NONE = file -> {
            throw new IllegalArgumentException("merge scripts are not available here");
        };
    }

    private Aggregators() {
    }

    /**
     * One aggregator per aggregate route, by route id (empty when there is none).
     *
     * @throws ChainException when a merge script is missing or does not load (each message names the config
     *                        file and line, and the script's error)
     */
    public static Map<String, Aggregator> build(GatewayConfig config, MergeScripts scripts, PartObserver observer) {
        Map<String, Aggregator> out = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (RouteConfig r : config.routes()) {
            if (r.aggregate().isEmpty()) {
                continue;
            }
            Merger merger = switch (r.aggregate().get().merge()) {
                case AggregateConfig.Merge.Namespace n -> new NamespaceMerge();
                case AggregateConfig.Merge.DeepMerge d -> new DeepMerge();
                case AggregateConfig.Merge.Script s -> script(config, r, s, scripts, errors);
            };
            if (merger != null) {
                out.put(r.id(), new Aggregator(r, merger, config.server().maxBodySize(), observer));
            }
        }
        if (!errors.isEmpty()) {
            throw new ChainException(errors);
        }
        return out;
    }

    private static Merger script(GatewayConfig config, RouteConfig r, AggregateConfig.Merge.Script s,
                                 MergeScripts scripts, List<String> errors) {
        String where = config.source().getFileName() + ":" + s.line() + ": routes '" + r.id()
                + "' aggregate.merge.script: ";
        try {
            ScriptSlot slot = scripts.apply(s.file());
            if (slot.current() == null) {
                errors.add(where + "script '" + s.file() + "' is not loaded: "
                        + (slot.lastError() == null ? "unknown reason" : slot.lastError()));
                return null;
            }
            return new ScriptMerge(slot, r.id());
        } catch (IllegalArgumentException e) {
            errors.add(where + e.getMessage());
            return null;
        }
    }
}
