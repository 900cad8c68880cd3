package io.portico.plugins.transform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@link NameRules} ready to apply: remove, then rename, then set, then add. Templates are parsed once;
 * {@code encode} makes parameter values safe for the target (header values are percent-encoded outside
 * visible ASCII; query values are passed as they are, the gateway encodes them). Immutable.
 */
final class NameEdit {
    private final List<String> remove;
    private final Map<String, String> rename;
    private final Map<String, Template> set;
    private final Map<String, Template> add;
    private final UnaryOperator<String> encode;

    NameEdit(NameRules rules, UnaryOperator<String> encode) {
        this.remove = rules.remove();
        this.rename = rules.rename();
        this.set = templates(rules.set());
        this.add = templates(rules.add());
        this.encode = encode;
    }

    void apply(Fields fields, Map<String, String> params) {
        remove.forEach(fields::remove);
        rename.forEach((from, to) -> {
            List<String> values = fields.all(from);
            if (!values.isEmpty()) {
                fields.remove(from);
                fields.remove(to);
                values.forEach(v -> fields.add(to, v));
            }
        });
        set.forEach((name, value) -> fields.set(name, value.render(params, encode)));
        add.forEach((name, value) -> fields.add(name, value.render(params, encode)));
    }

    private static Map<String, Template> templates(Map<String, String> values) {
        Map<String, Template> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, Template.parse(v)));
        return out;
    }
}
