package io.portico.core.aggregate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.List;

/** The gateway's own {@code _portico} member of merged bodies, and serialization. Stateless. */
final class PorticoSection {
    static final String KEY = "_portico";

    private PorticoSection() {
    }

    /** Adds {@code _portico.errors} to {@code root} when {@code errors} is not empty. */
    static void errors(ObjectNode root, List<Merger.PartError> errors) {
        if (errors.isEmpty()) {
            return;
        }
        ArrayNode list = section(root).putArray("errors");
        for (Merger.PartError e : errors) {
            list.addObject().put("part", e.part()).put("status", e.status()).put("title", e.title());
        }
    }

    /** The {@code _portico} object of {@code root}, created on first use. */
    static ObjectNode section(ObjectNode root) {
        JsonNode s = root.get(KEY);
        return s instanceof ObjectNode o ? o : root.putObject(KEY);
    }

    static AggregateResult.Merged merged(JsonNode root, boolean partial) {
        try {
            return new AggregateResult.Merged(PartCall.JSON.writeValueAsBytes(root), partial);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of parsed JSON always serializes
        }
    }
}
