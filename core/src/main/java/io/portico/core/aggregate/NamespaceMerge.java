package io.portico.core.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code merge: namespace}: {@code { "<part>": <body>, ... }} in configuration order, failed optional parts
 * left out and listed under {@code _portico.errors}. Never collides. Stateless.
 */
final class NamespaceMerge implements Merger {

    @Override
    public AggregateResult merge(List<PartPlan> plans, PartOutcome[] outcomes, List<PartError> errors,
                                 AggregateRequest req) {
        ObjectNode root = PartCall.JSON.createObjectNode();
        for (PartPlan p : plans) {
            if (outcomes[p.index()] instanceof PartOutcome.Ok ok) {
                root.set(p.name(), ok.body());
            }
        }
        PorticoSection.errors(root, errors);
        return PorticoSection.merged(root, !errors.isEmpty());
    }
}
