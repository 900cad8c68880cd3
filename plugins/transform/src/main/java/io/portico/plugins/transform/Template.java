package io.portico.plugins.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A text with {@code {name}} placeholders for route path parameters ({@link io.portico.api.Exchange#pathParams()}).
 * A name is {@code [A-Za-z0-9_-]+}; a brace that does not start a placeholder, and a placeholder whose
 * parameter the route does not have, stay as written (routes are not known when the filter is configured,
 * so an unknown name cannot be reported as a config error). Immutable.
 */
final class Template {
    private final List<String> literals;
    private final List<String> params;

    private Template(List<String> literals, List<String> params) {
        this.literals = literals;
        this.params = params;
    }

    /** Splits {@code text} into literals and placeholders. */
    static Template parse(String text) {
        List<String> literals = new ArrayList<>();
        List<String> params = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int close = c == '{' ? text.indexOf('}', i + 1) : -1;
            if (close > i + 1 && isName(text.substring(i + 1, close))) {
                literals.add(literal.toString());
                literal.setLength(0);
                params.add(text.substring(i + 1, close));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        return new Template(List.copyOf(literals), List.copyOf(params));
    }

    /** Whether there are no placeholders. */
    boolean isLiteral() {
        return params.isEmpty();
    }

    /** The text with every known placeholder replaced by {@code encode(value)}. */
    String render(Map<String, String> values, UnaryOperator<String> encode) {
        if (params.isEmpty()) {
            return literals.get(0);
        }
        StringBuilder out = new StringBuilder(literals.get(0));
        for (int i = 0; i < params.size(); i++) {
            String value = values.get(params.get(i));
            out.append(value == null ? "{" + params.get(i) + "}" : encode.apply(value)).append(literals.get(i + 1));
        }
        return out.toString();
    }

    /** The literal parts joined (what must be valid on its own, e.g. path characters). */
    String literalText() {
        return String.join("", literals);
    }

    private static boolean isName(String s) {
        return s.chars().allMatch(c -> c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9'));
    }
}
