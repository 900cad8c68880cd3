package io.portico.core.aggregate;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code merge: deep-merge}: the bodies of the parts that succeeded, folded in configuration order. Two
 * objects merge member by member (recursively), two arrays concatenate, equal values stay; any other pair is
 * a conflict: the later part's value wins and the conflict is reported under {@code _portico.conflicts} as
 * {@code {path (a JSON pointer), parts (every part with a value there, in order), winner}}. When the result
 * is an object, {@code _portico} is the gateway's (a part's own {@code _portico} member is dropped); failed
 * optional parts go to {@code _portico.errors}. Stateless.
 */
final class DeepMerge implements Merger {

    @Override
    public AggregateResult merge(List<PartPlan> plans, PartOutcome[] outcomes, List<PartError> errors,
                                 AggregateRequest req) {
        Map<String, String> conflicts = new LinkedHashMap<>(); // pointer → winner
        JsonNode root = null;
        for (PartPlan p : plans) {
            if (!(outcomes[p.index()] instanceof PartOutcome.Ok ok)) {
                continue;
            }
            if (root == null) {
                root = ok.body().deepCopy();
            } else {
                root = fold(root, ok.body(), "", p.name(), conflicts);
            }
        }
        if (root == null) {
            root = PartCall.JSON.createObjectNode(); // every part optional, and every one failed
        }
        if (root instanceof ObjectNode o) {
            o.remove(PorticoSection.KEY);
            if (!conflicts.isEmpty()) {
                ArrayNode list = PorticoSection.section(o).putArray("conflicts");
                for (Map.Entry<String, String> c : conflicts.entrySet()) {
                    ObjectNode entry = list.addObject().put("path", c.getKey());
                    ArrayNode parts = entry.putArray("parts");
                    for (String name : holders(plans, outcomes, c.getKey())) {
                        parts.add(name);
                    }
                    entry.put("winner", c.getValue());
                }
            }
            PorticoSection.errors(o, errors);
        }
        return PorticoSection.merged(root, !errors.isEmpty());
    }

    /** {@code into} with {@code from} merged in; returns the node that now stands at {@code path}. */
    private static JsonNode fold(JsonNode into, JsonNode from, String path, String part, Map<String, String> conflicts) {
        if (into instanceof ObjectNode target && from instanceof ObjectNode source) {
            for (Map.Entry<String, JsonNode> field : source.properties()) {
                String key = field.getKey();
                JsonNode existing = target.get(key);
                if (existing == null) {
                    target.set(key, field.getValue().deepCopy());
                } else {
                    target.set(key, fold(existing, field.getValue(), path + "/" + escape(key), part, conflicts));
                }
            }
            return target;
        }
        if (into instanceof ArrayNode target && from instanceof ArrayNode source) {
            target.addAll(source.deepCopy());
            return target;
        }
        if (into.equals(from)) {
            return into;
        }
        conflicts.put(path, part);
        return from.deepCopy();
    }

    /** The parts (in order) whose body has a value at {@code pointer}. Called only for conflicts. */
    private static List<String> holders(List<PartPlan> plans, PartOutcome[] outcomes, String pointer) {
        JsonPointer at = JsonPointer.compile(pointer);
        List<String> out = new ArrayList<>(2);
        for (PartPlan p : plans) {
            if (outcomes[p.index()] instanceof PartOutcome.Ok ok && !ok.body().at(at).isMissingNode()) {
                out.add(p.name());
            }
        }
        return out;
    }

    private static String escape(String key) {
        return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
    }
}
