package io.portico.core.aggregate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portico.api.Consumer;
import io.portico.core.script.ScriptResult;
import io.portico.core.script.ScriptSlot;
import io.portico.core.script.ScriptVersion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code merge: { script: file.js }}: the script's {@code merge(parts, ctx)} builds the body from the parts
 * that succeeded (each handed over as its JSON text and parsed by the JS engine's own {@code JSON.parse}, the
 * cheapest way into JS objects) and {@code ctx = {route, requestId, params, query, consumer, errors}}. The
 * version serving at the time of the call is used (hot-swapped like filter scripts). A script that throws,
 * returns nothing, runs past its budget or is not loaded answers 500 (503 when every context is busy), logged
 * with the script's name. Thread-safe.
 */
final class ScriptMerge implements Merger {
    private static final Logger LOG = Logger.getLogger(ScriptMerge.class.getName());

    private final ScriptSlot slot;
    private final String routeId;

    ScriptMerge(ScriptSlot slot, String routeId) {
        this.slot = slot;
        this.routeId = routeId;
    }

    @Override
    public AggregateResult merge(List<PartPlan> plans, PartOutcome[] outcomes, List<PartError> errors,
                                 AggregateRequest req) {
        List<String> names = new ArrayList<>(plans.size());
        List<String> bodies = new ArrayList<>(plans.size());
        try {
            for (PartPlan p : plans) {
                if (outcomes[p.index()] instanceof PartOutcome.Ok ok) {
                    names.add(p.name());
                    bodies.add(ok.text() != null ? ok.text() : PartCall.JSON.writeValueAsString(ok.body()));
                }
            }
            String ctx = PartCall.JSON.writeValueAsString(context(req, errors));
            String[] n = names.toArray(String[]::new);
            String[] b = bodies.toArray(String[]::new);
            ScriptResult<String> r = call(n, b, ctx);
            if (r instanceof ScriptResult.Ok<String> ok) {
                return new AggregateResult.Merged(ok.value().getBytes(StandardCharsets.UTF_8), !errors.isEmpty());
            }
            ScriptResult.Failure<String> f = (ScriptResult.Failure<String>) r;
            LOG.log(Level.SEVERE, "request " + req.requestId() + ": route " + routeId + ": merge script " + slot
                    + " failed: " + f.detail(), f.cause());
            return f.kind() == ScriptResult.Kind.BUSY
                    ? new AggregateResult.Failed(503, "merge-script-busy", "Service Unavailable",
                            "The merge script is busy; try again.")
                    : new AggregateResult.Failed(500, "merge-script-failed", "Internal Server Error",
                            "The merge script failed.");
        } catch (JsonProcessingException e) {
            LOG.log(Level.SEVERE, "request " + req.requestId() + ": route " + routeId + ": cannot hand the parts to "
                    + slot, e);
            return new AggregateResult.Failed(500, "merge-script-failed", "Internal Server Error",
                    "The merge script failed.");
        }
    }

    /** Calls the serving version; once more on its successor when it was retired just now. */
    private ScriptResult<String> call(String[] names, String[] bodies, String ctx) {
        ScriptVersion v = slot.current();
        ScriptResult<String> r = v == null ? notLoaded() : v.merge(names, bodies, ctx);
        if (r instanceof ScriptResult.Failure<String> f && f.kind() == ScriptResult.Kind.CLOSED) {
            v = slot.current();
            r = v == null ? notLoaded() : v.merge(names, bodies, ctx);
        }
        return r;
    }

    private ScriptResult<String> notLoaded() {
        return new ScriptResult.Failure<>(ScriptResult.Kind.CLOSED, "no version of the script is loaded ("
                + (slot.lastError() == null ? "missing" : slot.lastError()) + ")", null);
    }

    private ObjectNode context(AggregateRequest req, List<PartError> errors) {
        ObjectNode ctx = PartCall.JSON.createObjectNode();
        ctx.put("route", routeId);
        ctx.put("requestId", req.requestId());
        ObjectNode params = ctx.putObject("params");
        for (String name : req.params().names()) {
            params.put(name, req.params().decoded(name));
        }
        ObjectNode query = ctx.putObject("query");
        req.query().forEach(query::put);
        if (req.consumer().isPresent()) {
            Consumer c = req.consumer().get();
            ObjectNode consumer = ctx.putObject("consumer");
            consumer.put("id", c.id());
            c.groups().forEach(consumer.putArray("groups")::add);
            c.scopes().forEach(consumer.putArray("scopes")::add);
            consumer.set("claims", PartCall.JSON.valueToTree(c.claims()));
        } else {
            ctx.putNull("consumer");
        }
        ArrayNode errs = ctx.putArray("errors");
        for (PartError e : errors) {
            errs.addObject().put("part", e.part()).put("status", e.status()).put("title", e.title());
        }
        return ctx;
    }
}
