package io.portico.core.aggregate;

import com.fasterxml.jackson.core.JsonPointer;
import io.portico.core.config.PartConfig;

import java.util.List;

/**
 * A part ready to run: its configuration, where it stands in the route's parts, and what it depends on.
 * Immutable.
 *
 * @param config  as configured
 * @param index   position in configuration order
 * @param after   indexes of the parts it waits for
 * @param extract the compiled {@code extract} pointer, or null
 * @param hasBody whether the request is sent with an (empty) body: {@code Content-Length: 0}
 */
record PartPlan(PartConfig config, int index, int[] after, JsonPointer extract, boolean hasBody) {

    static PartPlan of(PartConfig config, int index, List<String> names) {
        int[] after = config.after().stream().mapToInt(names::indexOf).toArray();
        JsonPointer extract = config.extract().map(JsonPointer::compile).orElse(null);
        boolean hasBody = switch (config.method()) {
            case "GET", "DELETE", "OPTIONS" -> false;
            default -> true;
        };
        return new PartPlan(config, index, after, extract, hasBody);
    }

    String name() {
        return config.name();
    }
}
